import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors.js';
import { wantsJson } from '../http/negotiate.js';
import { noStore } from '../http/no-store.js';
import { sameSecret } from '../http/same-secret.js';
import type { ApprovalRecord, ApprovalStore } from './approval-store.js';

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

function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/**
 * `GET /approvals`: a browser sees the approvals it made (the ids its session remembers), read
 * from the store, whichever instance recorded them; an operator with `Authorization: Bearer
 * OPERATOR_TOKEN` sees the newest of all. Nobody else sees anyone's payees and amounts.
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
    if (operator) {
      records = await approvals.listRecent(RECENT_APPROVALS);
    } else {
      const ids = (req.session.approvedIds ?? []).slice(-RECENT_APPROVALS).reverse();
      const found = await Promise.all(ids.map((id) => approvals.get(id)));
      records = found.filter((r): r is ApprovalRecord => r !== undefined);
    }
    if (wantsJson(req)) {
      res.json({ approvals: records.map(summary) });
      return;
    }
    res.render('approvals', {
      title: 'Recent approvals',
      records,
      limit: RECENT_APPROVALS,
      operator,
    });
  });
  return router;
}
