import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import type { ApprovalContext } from './approval-context.js';
import { startOver } from './route-helpers.js';
import type { PendingTransfer } from './session-state.js';

const POLL_MS = 100;

function storedSession(req: Request): Promise<Partial<SessionData> | undefined> {
  return new Promise((resolve, reject) =>
    req.sessionStore.get(req.sessionID, (err, data) =>
      err ? reject(err) : resolve(data ?? undefined),
    ),
  );
}

// Where to send a request whose flow another request holds (a double submit, another instance,
// a code racing "send a new code"), once its outcome shows in the shared stores.
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
  const deadline = Date.now() + Math.max(0, waitMs);
  for (;;) {
    if (await ctx.approvals.get(transfer.id)) return '/approvals/result';
    const stored = await storedSession(req);
    if (stored?.result?.transferId === transfer.id) return '/approvals/result';
    const flow = stored?.flow;
    // It put the flow back or started a new one: a code form is due.
    if (flow && flow.transferId === transfer.id && flow.claimId !== lostClaim) {
      return '/approvals/otp';
    }
    if (Date.now() >= deadline) break;
    await sleep(POLL_MS);
  }
  if (lostClaim !== undefined) return '/approvals/result';
  // Nobody finished it in the time any request could take: its process died mid-flow.
  return startOver(busy?.accepted ? 'interrupted-accepted' : 'interrupted');
}
