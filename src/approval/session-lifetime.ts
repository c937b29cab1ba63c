import type { Request } from 'express';
import type { SessionData } from 'express-session';

// The cookie is a browser-session cookie (no `Expires`, no `Max-Age`), so both limits are kept on
// the server: the store keeps a row for `sessionRowTtlMs`, and the session middleware treats a
// session past its absolute lifetime as expired even if a store still serves it.

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * A decided session only has to outlive a look at the result page (the approval is in the
 * store): without this, every browser that approved once would keep its row the full idle time.
 */
export const FINISHED_SESSION_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

/** OWASP Session Management cheat sheet, "Absolute Timeout": a stolen cookie is worth this much. */
export const SESSION_ABSOLUTE_TIMEOUT_MS = 2 * 60 * 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    /** Ms since the epoch; kept across new ids. */
    createdAt?: number;
    /** Absent means SESSION_IDLE_TIMEOUT_MS. */
    idleTimeoutMs?: number;
  }
}

export function pastAbsoluteLifetime(data: Partial<SessionData>, now: number): boolean {
  return data.createdAt !== undefined && now - data.createdAt >= SESSION_ABSOLUTE_TIMEOUT_MS;
}

/** The idle timeout (rolling: each write and touch restarts it), cut short by the absolute one. */
export function sessionRowTtlMs(data: Partial<SessionData>, now: number): number {
  const idle = data.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS;
  if (data.createdAt === undefined) return idle;
  return Math.min(idle, data.createdAt + SESSION_ABSOLUTE_TIMEOUT_MS - now);
}

/** A finished session starting a new transfer (GET /) gets the full idle timeout back. */
export function renewFinishedSession(req: Request): void {
  if (!req.session.result || req.session.transfer || req.session.flow) return;
  delete req.session.result;
  delete req.session.idleTimeoutMs;
}
