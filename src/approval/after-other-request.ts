import type { Request } from 'express';
import type { ApprovalContext } from './approval-context.js';
import { awaitOutcome } from './await-outcome.js';
import { startOver } from './notices.js';
import type { PendingTransfer } from './session-state.js';

/**
 * Where to send a request that found this transfer's flow taken by another request (a double
 * submit, another instance, a code racing "send a new code"): after that request's outcome.
 * `lostClaim`: this request saw the flow but another claimed it first. Undefined when no
 * other request holds the flow.
 */
export async function afterOtherRequest(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
  lostClaim?: string,
): Promise<string | undefined> {
  const busy = req.session.busy;
  let waitMs: number;
  if (lostClaim !== undefined) waitMs = ctx.raceWaitMs;
  else if (busy?.transferId === transfer.id)
    waitMs = Date.parse(busy.at) + ctx.raceWaitMs - ctx.now().getTime();
  else return undefined;
  const outcome = await awaitOutcome(ctx, req, transfer.id, lostClaim, Math.max(0, waitMs));
  if (outcome === 'open') return '/approvals/otp';
  if (outcome !== 'unknown' || lostClaim !== undefined) return '/approvals/result';
  // Nobody finished it in the time any request could take: its process died mid-flow.
  return startOver(busy?.accepted ? 'interrupted-accepted' : 'interrupted');
}
