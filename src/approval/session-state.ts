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

/**
 * Set when a request takes a flow to continue it, cleared when it settles or puts a flow back.
 * Another request of the browser that finds it waits for that outcome (awaitOutcome); found
 * long after, it means the process died mid-flow (kill -9): the person is told and offered a
 * one-click start again.
 */
export interface BusyState {
  transferId: string;
  at: string;
  /** PingOne accepted the code (otp.check COMPLETED); the token step and the record remain. */
  accepted?: boolean;
}

declare module 'express-session' {
  interface SessionData {
    transfer?: PendingTransfer;
    flow?: FlowState;
    result?: ResultState;
    busy?: BusyState;
    /** Transfers approved in this browser, newest last: what GET /approvals shows it. */
    approvedIds?: string[];
  }
}

/** How many of its approvals a browser's session remembers. */
export const REMEMBERED_APPROVALS = 20;

/** Saves the session now (not at the end of the response): consuming must be visible at once. */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.save((err) => (err ? reject(err) : resolve())),
  );
}

/**
 * A new session id (session fixation) with nothing of the old session but what outlives a flow:
 * the browser id, which the rate limits count by (a new id must not give a browser a fresh
 * allowance; before there is a session, the form cookie's), the session's creation time (its
 * absolute lifetime), and the browser's approvals.
 */
export function regenerateSession(req: Request): Promise<void> {
  const browserId = req.session.browserId ?? req.browserId ?? randomUUID();
  const { approvedIds, createdAt } = req.session;
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.browserId = browserId;
      if (approvedIds) req.session.approvedIds = approvedIds;
      if (createdAt !== undefined) req.session.createdAt = createdAt;
      resolve();
    }),
  );
}

/**
 * A new session id with everything the session held: when an approval completes, the id that
 * was in use during the flow (and could have leaked with it) stops working.
 */
export function rotateSession(req: Request): Promise<void> {
  const { cookie: _cookie, ...data } = req.session;
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      Object.assign(req.session, data);
      resolve();
    }),
  );
}

/** Who may continue a flow: the first to claim its `claimId`, once. */
export interface FlowClaims {
  claim(claimId: string): Promise<boolean>;
}

/** A flow lives 10 minutes at PingOne (docs/pingone-contract.md §9); a claim older than that guards nothing. */
const CLAIM_TTL_MS = 10 * 60 * 1000;

/**
 * Claims of flow states in this process. Two requests of one browser can load the same session
 * before either saves it (a double click); the first to claim a `claimId` wins, the other finds
 * the flow already consumed. With several instances, SharedFlowClaims instead.
 */
export class LocalFlowClaims implements FlowClaims {
  private readonly claimed = new Map<string, number>();
  constructor(
    private readonly now: () => Date,
    private readonly ttlMs = CLAIM_TTL_MS,
  ) {}

  async claim(claimId: string): Promise<boolean> {
    const now = this.now().getTime();
    // Insertion order is claim order: stop at the first claim still young, so a claim costs
    // the same however many approvals came before.
    for (const [id, at] of this.claimed) {
      if (now - at <= this.ttlMs) break;
      this.claimed.delete(id);
    }
    if (this.claimed.has(claimId)) return false;
    this.claimed.set(claimId, now);
    return true;
  }
}

/** An atomic counter with expiry (express-rate-limit's Store: in Redis, one script per hit). */
export interface SharedCounter {
  init?(options: { windowMs: number }): unknown;
  increment(key: string): { totalHits: number } | Promise<{ totalHits: number }>;
}

/**
 * Claims that hold across instances: the request whose increment of the claim id comes back 1
 * continues the flow. Two instances given the same code (or a code and "send a new code") at
 * once: one of them continues, the other waits for its outcome (awaitOutcome).
 */
export class SharedFlowClaims implements FlowClaims {
  private readonly ready: Promise<unknown>;
  constructor(private readonly counter: SharedCounter) {
    this.ready = Promise.resolve(counter.init?.({ windowMs: CLAIM_TTL_MS }));
    // A failed init is reported by the claim that needs it, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  async claim(claimId: string): Promise<boolean> {
    await this.ready.catch(() => undefined);
    return (await this.counter.increment(`claim:${claimId}`)).totalHits === 1;
  }
}

/** Puts a flow (back) into the session under a fresh claim id. */
export function storeFlow(req: Request, flow: Omit<FlowState, 'claimId'>): void {
  req.session.flow = { ...flow, claimId: randomUUID() };
  delete req.session.busy;
}

/**
 * Takes the flow out of the session and persists that before returning it. Whoever gets a flow
 * back from here is the only request that will ever continue it. A request that loses the claim
 * leaves the session as it is: its copy may be older than the winner's writes.
 */
export async function consumeFlow(
  req: Request,
  claims: FlowClaims,
  now: Date,
): Promise<FlowState | undefined> {
  const flow = req.session.flow;
  if (!flow) return undefined;
  if (!(await claims.claim(flow.claimId))) return undefined;
  delete req.session.flow;
  req.session.busy = { transferId: flow.transferId, at: now.toISOString() };
  await saveSession(req);
  return flow;
}
