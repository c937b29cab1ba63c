import type { Request } from 'express';
import { tell, type ApprovalContext } from './approval-context.js';
import type { ApprovalStep, SettleReason } from './approval-events.js';
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

/** Why the approval ended, as the `settled` event tells it. */
export interface Ending {
  reason: SettleReason;
  step?: ApprovalStep;
  pingoneErrorId?: string;
  flowStatus?: string;
}

const REFUSED_AT: Record<ApprovalStep, string> = {
  16: 'PingOne refused to start the approval.',
  17: 'PingOne refused the code check.',
  18: 'PingOne did not give back an authorization code.',
  19: 'PingOne did not issue tokens for this approval.',
};

/** The sentence the result page adds to "not approved", in the person's words. */
function resultReason(ending: Ending): string | undefined {
  switch (ending.reason) {
    case 'pingone_refused':
      return ending.step && REFUSED_AT[ending.step];
    case 'unexpected_status':
      return ending.step === 16
        ? `PingOne answered ${ending.flowStatus} instead of sending a code.`
        : `PingOne answered ${ending.flowStatus}.`;
    case 'declined_at_pingone':
      return 'The approval was declined at PingOne.';
    case 'answer_mismatch':
      return 'The answer from PingOne did not belong to this approval.';
    case 'token_rejected':
      return 'PingOne’s answer did not pass our checks.';
    default:
      return undefined;
  }
}

/** Ends a flow: the result page will show `outcome`; the flow state is already consumed. */
export async function settle(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
  outcome: Outcome,
  ending: Ending,
): Promise<void> {
  const result: ResultState = {
    transferId: transfer.id,
    outcome,
    transfer,
    at: ctx.now().toISOString(),
  };
  const reason = resultReason(ending);
  if (reason) result.reason = reason;
  if (ending.pingoneErrorId) result.pingoneErrorId = ending.pingoneErrorId;
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
  // Before the save: a subscriber that keeps its record in the session writes it with this.
  tell(ctx, req, transfer.id, () => ({ kind: 'settled', outcome, ...ending }));
  await saveSession(req);
}
