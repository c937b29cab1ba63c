import type { Request } from 'express';
import type { ApprovalContext } from './approval-context.js';
import { observedRequest } from './approval-observer.js';
import { shortenFinishedSession } from './session-lifetime.js';
import {
  REMEMBERED_APPROVALS,
  rotateSession,
  saveSession,
  type Outcome,
  type PendingTransfer,
  type ResultState,
} from './session-state.js';

/** Outcomes after which "send a new code" still makes sense for the same transfer. */
const KEEPS_TRANSFER: ReadonlySet<Outcome> = new Set(['expired', 'failed']);

/** Ends a flow: the result page will show `outcome`; the flow state is already consumed. */
export async function settle(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
  outcome: Outcome,
  details: { reason?: string; pingoneErrorId?: string | undefined } = {},
): Promise<void> {
  const result: ResultState = {
    transferId: transfer.id,
    outcome,
    transfer,
    at: ctx.now().toISOString(),
  };
  if (details.reason) result.reason = details.reason;
  if (details.pingoneErrorId) result.pingoneErrorId = details.pingoneErrorId;
  if (!KEEPS_TRANSFER.has(outcome)) await rotateSession(req);
  req.session.result = result;
  if (outcome === 'approved' || outcome === 'already-approved') {
    const ids = (req.session.approvedIds ?? []).filter((id) => id !== transfer.id);
    req.session.approvedIds = [...ids, transfer.id].slice(-REMEMBERED_APPROVALS);
  }
  if (!KEEPS_TRANSFER.has(outcome)) {
    delete req.session.transfer;
    // Decided: the session only has to show the result; the approval lives in the store.
    shortenFinishedSession(req);
  }
  delete req.session.flow;
  delete req.session.busy;
  // Before the save: the trace's last step goes into the same session write.
  await ctx.observer?.settled(observedRequest(req), transfer, result);
  await saveSession(req);
  req.log.info({ transferId: transfer.id, outcome, event: 'flow.settled' }, `approval ${outcome}`);
}
