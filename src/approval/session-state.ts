import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { MemoryStore } from 'express-rate-limit';
import type { Transfer } from './transfer.js';

// Consumed (and the session saved) before any of it is trusted: a replay, a second tab, a double
// click or the back button finds nothing to continue with.
export interface FlowState {
  ui: 'own' | 'hosted';
  /** New every time the flow is put (back) into the session; see FlowClaims. */
  claimId: string;
  transferId: string;
  transferHash: string;
  /** The latest (PingOne may change it after any step); empty in hosted mode. */
  flowId: string;
  cookies: Record<string, string>;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  userId?: string;
  startedAt: string;
  expiresAt?: string;
  attemptsLeft?: number;
  maskedPhone?: string;
  /** Our own bound when PingOne does not say how many are left. */
  wrongCodes: number;
}

/** Kept across flows ("send a new code") until it is decided. */
export type PendingTransfer = Transfer & { id: string; hash: string };

export type Outcome =
  'approved' | 'already-approved' | 'declined' | 'locked' | 'expired' | 'failed';

/** What the result page shows; the approval itself is read back from the ApprovalStore. */
interface ResultState {
  transferId: string;
  outcome: Outcome;
  reason?: string;
  pingoneErrorId?: string;
  transfer: PendingTransfer;
}

declare module 'express-session' {
  interface SessionData {
    transfer?: PendingTransfer;
    flow?: FlowState;
    result?: ResultState;
    /**
     * Set while a request holds a flow: another request waits for its outcome; found long after,
     * the process died mid-flow. `accepted`: otp.check answered COMPLETED.
     */
    busy?: { transferId: string; at: string; accepted?: boolean };
    /** Newest last: what GET /approvals shows this browser. */
    approvedIds?: string[];
  }
}

export const REMEMBERED_APPROVALS = 20;

/** Now, not at the end of the response: consuming must be visible at once. */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.save((err) => (err ? reject(err) : resolve())),
  );
}

function regenerate(req: Request, keep: Partial<SessionData>): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      Object.assign(req.session, keep);
      resolve();
    }),
  );
}

/**
 * A new session id (session fixation) keeping only what outlives a flow: the browser id (the
 * rate limits count by it), the creation time (absolute lifetime) and the browser's approvals.
 */
export function regenerateSession(req: Request): Promise<void> {
  const { approvedIds, createdAt } = req.session;
  return regenerate(req, {
    browserId: req.session.browserId ?? req.browserId ?? randomUUID(),
    ...(approvedIds && { approvedIds }),
    ...(createdAt !== undefined && { createdAt }),
  });
}

/** A new session id with everything kept: the id used during the flow (and maybe leaked) dies. */
export function rotateSession(req: Request): Promise<void> {
  const { cookie: _cookie, ...data } = req.session;
  return regenerate(req, data);
}

/** A flow lives 10 minutes at PingOne (docs/pingone-contract.md §9); a claim older than that guards nothing. */
const CLAIM_TTL_MS = 10 * 60 * 1000;

/** An atomic counter with expiry (express-rate-limit's Store: in Redis, one script per hit). */
interface SharedCounter {
  init?(options: { windowMs: number }): unknown;
  increment(key: string): { totalHits: number } | Promise<{ totalHits: number }>;
}

/**
 * Two requests can load one session before either saves it (a double click, another instance):
 * the one whose increment of the claim id comes back 1 continues. The counter is Redis when the
 * rate limits' are, so one claim holds across instances; else express-rate-limit's MemoryStore.
 */
export class FlowClaims {
  private readonly ready: Promise<unknown>;
  constructor(private readonly counter: SharedCounter = new MemoryStore()) {
    // A failed init shows as the claim's failed increment, not as an unhandled rejection.
    this.ready = Promise.resolve(counter.init?.({ windowMs: CLAIM_TTL_MS })).catch(() => undefined);
  }

  async claim(claimId: string): Promise<boolean> {
    await this.ready;
    return (await this.counter.increment(`claim:${claimId}`)).totalHits === 1;
  }
}

/** Puts a flow (back) under a new claim id, and saves. */
export async function storeFlow(req: Request, flow: Omit<FlowState, 'claimId'>): Promise<void> {
  req.session.flow = { ...flow, claimId: randomUUID() };
  delete req.session.busy;
  await saveSession(req);
}

/** The only request that will ever continue the flow gets it; a loser leaves its older copy alone. */
export async function consumeFlow(req: Request, claims: FlowClaims, now: Date) {
  const flow = req.session.flow;
  if (!flow) return undefined;
  if (!(await claims.claim(flow.claimId))) return undefined;
  delete req.session.flow;
  req.session.busy = { transferId: flow.transferId, at: now.toISOString() };
  await saveSession(req);
  return flow;
}
