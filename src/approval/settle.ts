import type { Request } from 'express';
import { tell, type ApprovalContext } from './approval-context.js';
import type { ApprovalStep, Settled } from './approval-events.js';
import { FINISHED_SESSION_IDLE_TIMEOUT_MS } from './session-lifetime.js';
import {
  REMEMBERED_APPROVALS,
  rotateSession,
  saveSession,
  type Outcome,
  type PendingTransfer,
} from './session-state.js';

/** Outcomes after which "send a new code" still makes sense for the same transfer. */
const KEEPS_TRANSFER: ReadonlySet<Outcome> = new Set(['expired', 'failed']);

type Ending = Omit<Settled, 'kind' | 'outcome'>;

const REFUSED_AT: Record<ApprovalStep, string> = {
  16: 'PingOne refused to start the approval.',
  17: 'PingOne refused the code check.',
  18: 'PingOne did not give back an authorization code.',
  19: 'PingOne did not issue tokens for this approval.',
};

/** The sentence the result page adds to "not approved". */
function resultReason({ reason, step, flowStatus }: Ending): string | undefined {
  if (reason === 'pingone_refused') return step && REFUSED_AT[step];
  if (reason === 'unexpected_status') {
    return step === 16
      ? `PingOne answered ${flowStatus} instead of sending a code.`
      : `PingOne answered ${flowStatus}.`;
  }
  return {
    declined_at_pingone: 'The approval was declined at PingOne.',
    answer_mismatch: 'The answer from PingOne did not belong to this approval.',
    token_rejected: 'PingOne’s answer did not pass our checks.',
  }[reason as string];
}

/** Ends a flow (already consumed): the result page will show `outcome`. */
export async function settle(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
  outcome: Outcome,
  ending: Ending,
): Promise<void> {
  const keep = KEEPS_TRANSFER.has(outcome);
  if (!keep) await rotateSession(req);
  const reason = resultReason(ending);
  req.session.result = {
    transferId: transfer.id,
    outcome,
    transfer,
    ...(reason && { reason }),
    ...(ending.pingoneErrorId && { pingoneErrorId: ending.pingoneErrorId }),
  };
  if (outcome === 'approved' || outcome === 'already-approved') {
    const ids = (req.session.approvedIds ?? []).filter((id) => id !== transfer.id);
    req.session.approvedIds = [...ids, transfer.id].slice(-REMEMBERED_APPROVALS);
  }
  if (!keep) {
    delete req.session.transfer;
    // Decided: the session only has to show the result; the approval lives in the store.
    req.session.idleTimeoutMs = FINISHED_SESSION_IDLE_TIMEOUT_MS;
  }
  delete req.session.flow;
  delete req.session.busy;
  // Before the save: a subscriber that keeps its record in the session writes it with this.
  tell(ctx, req, transfer.id, () => ({ kind: 'settled', outcome, ...ending }));
  await saveSession(req);
}
