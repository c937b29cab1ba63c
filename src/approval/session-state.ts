import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Transfer } from './transfer.js';

/**
 * Everything one PingOne flow needs, under one session key. It is taken out of the session (and
 * the session saved) before any of it is trusted or sent to PingOne, so a replay, a second tab,
 * a double click or the back button finds nothing to continue with.
 */
export interface FlowState {
  /** `own`: pi.flow and our code form; `hosted`: redirect to PingOne's page. */
  ui: 'own' | 'hosted';
  /** Changes every time the flow is put (back) into the session; see FlowClaims. */
  claimId: string;
  transferId: string;
  /** SHA-256 of the canonical transfer; re-checked against the session's transfer. */
  transferHash: string;
  /** The latest flow id (PingOne may change it after any step). Empty in hosted mode. */
  flowId: string;
  /** PingOne's cookies as name=value pairs, replayed on every flow call. */
  cookies: Record<string, string>;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** PingOne's user id from the flow (`_embedded.user.id`): the expected ID token `sub`. */
  userId?: string;
  startedAt: string;
  /** When the code expires, if PingOne said so. */
  expiresAt?: string;
  /** Wrong codes PingOne still accepts, if it said so. */
  attemptsLeft?: number;
  /** Where the code went, masked ("•••• 0100"). */
  maskedPhone?: string;
  /** Wrong codes so far in this flow: a bound when PingOne does not say how many are left. */
  wrongCodes: number;
}

/** The transfer being approved; kept across flows ("send a new code") until it is decided. */
export interface PendingTransfer extends Transfer {
  id: string;
  hash: string;
  createdAt: string;
}

export type Outcome =
  'approved' | 'already-approved' | 'declined' | 'locked' | 'expired' | 'failed';

/** What the result page shows; the approval itself is read back from the ApprovalStore. */
export interface ResultState {
  transferId: string;
  outcome: Outcome;
  /** A short, user-safe reason for "not approved". */
  reason?: string;
  /** PingOne's error id when PingOne failed or refused. */
  pingoneErrorId?: string;
  transfer: PendingTransfer;
  at: string;
}

declare module 'express-session' {
  interface SessionData {
    transfer?: PendingTransfer;
    flow?: FlowState;
    result?: ResultState;
  }
}

/** Saves the session now (not at the end of the response): consuming must be visible at once. */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.save((err) => (err ? reject(err) : resolve())),
  );
}

/**
 * A new session id (session fixation) with nothing of the old session but the browser id, which
 * the rate limits count by: a new id must not give a browser a fresh allowance.
 */
export function regenerateSession(req: Request): Promise<void> {
  const browserId = req.session.browserId ?? randomUUID();
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.browserId = browserId;
      resolve();
    }),
  );
}

/**
 * Claims of flow states in this process. Two requests of one browser can load the same session
 * before either saves it (a double click); the first to claim a `claimId` wins, the other finds
 * the flow already consumed. Across instances the ApprovalStore's atomic `createIfAbsent` is
 * the last line: one approval per transfer id whatever happens.
 */
export class FlowClaims {
  private readonly claimed = new Map<string, number>();
  constructor(
    private readonly now: () => Date,
    // A flow lives 10 minutes at PingOne (docs/pingone-contract.md §9); a claim older than that guards nothing.
    private readonly ttlMs = 10 * 60 * 1000,
  ) {}

  claim(claimId: string): boolean {
    const now = this.now().getTime();
    // Insertion order is claim order: stop at the first claim still young, so a claim costs
    // the same after 10,000 approvals as after one (`npm run bench`).
    for (const [id, at] of this.claimed) {
      if (now - at <= this.ttlMs) break;
      this.claimed.delete(id);
    }
    if (this.claimed.has(claimId)) return false;
    this.claimed.set(claimId, now);
    return true;
  }
}

/** Puts a flow (back) into the session under a fresh claim id. */
export function storeFlow(req: Request, flow: Omit<FlowState, 'claimId'>): void {
  req.session.flow = { ...flow, claimId: randomUUID() };
}

/**
 * Takes the flow out of the session and persists that before returning it. Whoever gets a flow
 * back from here is the only request that will ever continue it.
 */
export async function consumeFlow(
  req: Request,
  claims: FlowClaims,
): Promise<FlowState | undefined> {
  const flow = req.session.flow;
  if (!flow) return undefined;
  delete req.session.flow;
  await saveSession(req);
  return claims.claim(flow.claimId) ? flow : undefined;
}
