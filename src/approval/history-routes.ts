import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors.js';
import { wantsJson } from '../http/error-handler.js';
import { noStore } from '../http/no-store.js';
import { sameSecret } from '../http/same-secret.js';
import {
  cursorAfter,
  type ApprovalCursor,
  type ApprovalRecord,
  type ApprovalStore,
} from './approval-store.js';

const RECENT_APPROVALS = 20;

function summary(record: ApprovalRecord) {
  const { approvalId, transferId, amount, currency, payee, approvedAt } = record;
  return {
    approvalId,
    transferId,
    amount,
    currency,
    payee,
    approvedAt,
    acr: record.evidence.acr ?? null,
  };
}

function parseCursor(value: unknown): ApprovalCursor | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^(\d{1,15})\.([\w-]{1,64})$/.exec(value) : null;
  if (!match) {
    const message = 'This link to older approvals is not valid. Start from the newest.';
    throw new AppError(400, 'INVALID_CURSOR', message);
  }
  return { approvedAtMs: Number(match[1]), transferId: match[2]! };
}

/**
 * `GET /approvals`: a browser sees the approvals its session remembers; an operator with
 * `Authorization: Bearer OPERATOR_TOKEN` sees all, a page at a time (`?before=` from `next`).
 */
export function approvalHistoryRoutes(approvals: ApprovalStore, operatorToken?: string): Router {
  const router = Router();
  router.get('/approvals', noStore, async (req: Request, res: Response) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (bearer !== undefined && !(operatorToken && sameSecret(bearer, operatorToken))) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'OPERATOR_TOKEN_INVALID', 'This operator token is not valid.');
    }
    const operator = bearer !== undefined;
    let records: ApprovalRecord[];
    let next: string | null = null;
    if (operator) {
      // One more than a page says whether an older page exists.
      const page = await approvals.listRecent(RECENT_APPROVALS + 1, parseCursor(req.query.before));
      records = page.slice(0, RECENT_APPROVALS);
      if (page.length > RECENT_APPROVALS) {
        // `<approvedAtMs>.<transfer id>`: readable in a URL.
        const { approvedAtMs, transferId } = cursorAfter(records.at(-1)!);
        next = `${approvedAtMs}.${transferId}`;
      }
    } else {
      const ids = (req.session.approvedIds ?? []).slice(-RECENT_APPROVALS).reverse();
      const found = await Promise.all(ids.map((id) => approvals.get(id)));
      records = found.filter((r): r is ApprovalRecord => r !== undefined);
    }
    if (wantsJson(req))
      return res.json({ approvals: records.map(summary), ...(operator && { next }) });
    res.render('approvals', {
      title: 'Recent approvals',
      records,
      limit: RECENT_APPROVALS,
      operator,
      next,
    });
  });
  return router;
}
