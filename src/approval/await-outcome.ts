import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import type { ApprovalContext } from './approval-context.js';

/**
 * What another request (this browser's, on any instance) did with a flow this request could not
 * claim: `approved` (the store has it), `settled` (declined, failed, expired: the session has
 * the result), `open` (it put a flow back or started a new one: a code form is due), or
 * `unknown` when the deadline passed first (the other request hangs or its process died).
 */
export type OtherOutcome = 'approved' | 'settled' | 'open' | 'unknown';

const POLL_MS = 100;

function storedSession(req: Request): Promise<Partial<SessionData> | undefined> {
  return new Promise((resolve, reject) =>
    req.sessionStore.get(req.sessionID, (err, data) =>
      err ? reject(err) : resolve(data ?? undefined),
    ),
  );
}

/**
 * Waits (polling the stores, which every instance shares) for the outcome of the request that
 * holds `transferId`'s flow, so that the loser of a race shows what really happened instead of
 * "wrong code" or "nothing in progress". `claimId` is the flow this request saw, if any.
 */
export async function awaitOutcome(
  ctx: ApprovalContext,
  req: Request,
  transferId: string,
  claimId: string | undefined,
  waitMs: number,
): Promise<OtherOutcome> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await ctx.approvals.get(transferId)) return 'approved';
    const stored = await storedSession(req);
    if (stored?.result?.transferId === transferId) return 'settled';
    const flow = stored?.flow;
    if (flow && flow.transferId === transferId && flow.claimId !== claimId) return 'open';
    if (Date.now() >= deadline) return 'unknown';
    await sleep(POLL_MS);
  }
}
