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

/** How many approvals the history shows; the store keeps them all. */
export const RECENT_APPROVALS = 20;

/** One line of the history as JSON clients get it (the record's own field names). */
export interface ApprovalSummary {
  approvalId: string;
  transferId: string;
  amount: string;
  currency: string;
  payee: string;
  approvedAt: string;
  acr: string | null;
}

function summary(record: ApprovalRecord): ApprovalSummary {
  return {
    approvalId: record.approvalId,
    transferId: record.transferId,
    amount: record.amount,
    currency: record.currency,
    payee: record.payee,
    approvedAt: record.approvedAt,
    acr: record.evidence.acr ?? null,
  };
}

/** An `Authorization: Bearer` that is not the configured operator token. */
export class OperatorTokenError extends AppError {
  constructor() {
    super(401, 'OPERATOR_TOKEN_INVALID', 'This operator token is not valid.');
  }
}

/** An operator's `?before=` that is not a cursor this page gave out. */
export class ApprovalCursorError extends AppError {
  constructor() {
    super(
      400,
      'INVALID_CURSOR',
      'This link to older approvals is not valid. Start from the newest.',
    );
  }
}

/** `1764451200000.<transfer id>`: where the next page starts, readable in a URL. */
function cursorText(cursor: ApprovalCursor): string {
  return `${cursor.approvedAtMs}.${cursor.transferId}`;
}

function parseCursor(value: unknown): ApprovalCursor | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^(\d{1,15})\.([\w-]{1,64})$/.exec(value) : null;
  if (!match) throw new ApprovalCursorError();
  return { approvedAtMs: Number(match[1]), transferId: match[2]! };
}

function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/**
 * `GET /approvals`: a browser sees the approvals it made (the ids its session remembers), read
 * from the store, whichever instance recorded them; an operator with `Authorization: Bearer
 * OPERATOR_TOKEN` sees all of them, a page at a time (`?before=` from the page's `next`).
 * Nobody else sees anyone's payees and amounts.
 */
export function approvalHistoryRoutes(approvals: ApprovalStore, operatorToken?: string): Router {
  const router = Router();
  router.get('/approvals', noStore, async (req: Request, res: Response) => {
    const bearer = bearerOf(req);
    if (bearer !== undefined && !(operatorToken && sameSecret(bearer, operatorToken))) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new OperatorTokenError();
    }
    const operator = bearer !== undefined;
    let records: ApprovalRecord[];
    let next: string | null = null;
    if (operator) {
      // One more than a page says whether an older page exists.
      const page = await approvals.listRecent(RECENT_APPROVALS + 1, parseCursor(req.query.before));
      records = page.slice(0, RECENT_APPROVALS);
      if (page.length > RECENT_APPROVALS) next = cursorText(cursorAfter(records.at(-1)!));
    } else {
      const ids = (req.session.approvedIds ?? []).slice(-RECENT_APPROVALS).reverse();
      const found = await Promise.all(ids.map((id) => approvals.get(id)));
      records = found.filter((r): r is ApprovalRecord => r !== undefined);
    }
    if (wantsJson(req)) {
      res.json({ approvals: records.map(summary), ...(operator ? { next } : {}) });
      return;
    }
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
