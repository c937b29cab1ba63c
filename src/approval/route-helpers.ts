import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { ApprovalContext } from './approval-context.js';
import { saveSession, type PendingTransfer } from './session-state.js';
import { transferHash } from './transfer.js';

/** Runs the rest of a flow this request took; should it throw, no other request waits for it. */
export async function holding<T>(req: Request, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (req.session.busy) {
      delete req.session.busy;
      await saveSession(req).catch(() => undefined);
    }
    throw error;
  }
}

export const redirect = (res: Response, location: string) => res.redirect(303, location);

/** The session's transfer, if it still matches its hash. */
export function pendingTransfer(req: Request, transferId?: string): PendingTransfer | undefined {
  const t = req.session.transfer;
  const ours = t && (transferId === undefined || t.id === transferId);
  return ours && transferHash(t.id, t) === t.hash ? t : undefined;
}

// Why a person was sent back to the start: only these codes are read from the query string, so
// nothing from the URL is ever rendered.
const NOTICES = {
  'session-expired':
    'Your session expired (or this browser sent a form from an old session), so nothing was approved. Start again below.',
  'no-approval':
    'There is no approval in progress in this browser. It may have finished in another tab, or the page was sent twice. Nothing was approved twice.',
  interrupted:
    'The app stopped while it was completing your approval, before anything was recorded, so this transfer was not approved. Its details are filled in below: approve it again with one click.',
  'interrupted-accepted':
    'PingOne accepted your code, but the app stopped before it could record the approval, so this transfer was not approved. Its details are filled in below: approve it again with one click.',
  replayed:
    'That answer from PingOne was already used or does not belong to this browser, so it was ignored. Nothing was approved by it.',
} as const;

type Notice = keyof typeof NOTICES;

export const noticeText = (code: unknown) =>
  typeof code === 'string' && Object.hasOwn(NOTICES, code) ? NOTICES[code as Notice] : undefined;
export const startOver = (code: Notice) => `/?notice=${code}`;

const POLL_MS = 100;

function storedSession(req: Request): Promise<Partial<SessionData> | undefined> {
  return new Promise((resolve, reject) =>
    req.sessionStore.get(req.sessionID, (err, data) =>
      err ? reject(err) : resolve(data ?? undefined),
    ),
  );
}

// Where to send a request whose pending transfer's flow another request holds (a double submit,
// another instance, a code racing "send a new code"), once its outcome shows in the shared stores.
export async function afterOtherRequest(
  ctx: ApprovalContext,
  req: Request,
  lostClaim?: string,
): Promise<string | undefined> {
  const transfer = pendingTransfer(req);
  if (!transfer) return undefined;
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
    if (flow && flow.transferId === transfer.id && flow.claimId !== lostClaim)
      return '/approvals/otp';
    if (Date.now() >= deadline) break;
    await sleep(POLL_MS);
  }
  if (lostClaim !== undefined) return '/approvals/result';
  // Nobody finished it in the time any request could take: its process died mid-flow.
  return startOver(busy?.accepted ? 'interrupted-accepted' : 'interrupted');
}
