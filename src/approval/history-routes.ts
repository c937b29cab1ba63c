import { Router, type Request, type Response } from 'express';
import { wantsJson } from '../http/negotiate.js';
import { noStore } from '../http/no-store.js';
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

/**
 * `GET /approvals`: the newest approvals from the store, whichever instance recorded them. The
 * demo has one user (the configured PingOne user), so every record is theirs. It reads the
 * store only, never the session: it works without a cookie and shows what survived a restart.
 */
export function approvalHistoryRoutes(approvals: ApprovalStore): Router {
  const router = Router();
  router.get('/approvals', noStore, async (req: Request, res: Response) => {
    const records = await approvals.listRecent(RECENT_APPROVALS);
    if (wantsJson(req)) {
      res.json({ approvals: records.map(summary) });
      return;
    }
    res.render('approvals', { title: 'Recent approvals', records, limit: RECENT_APPROVALS });
  });
  return router;
}
