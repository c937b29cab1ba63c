import type { Request } from 'express';
import type { SessionData } from 'express-session';

/**
 * How long a session lives. The cookie itself is a browser-session cookie (no `Expires`, no
 * `Max-Age`: closing the browser ends it), so both limits are kept on the server: the store
 * keeps a row only as long as `sessionRowTtlMs` says, and the session middleware treats a
 * session past its absolute lifetime as expired even if a store still serves it.
 */

/** A session in use (filling the form, waiting for the SMS): idle this long, it expires. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * A session whose approval is decided only needs to outlive a look at (or a reload of) the
 * result page; the approval itself is in the approval store. Without this, every browser that
 * approved once and left would keep its session row for the full idle timeout.
 */
export const FINISHED_SESSION_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * However active, a session ends this long after it was created (OWASP Session Management
 * cheat sheet, "Absolute Timeout"): a stolen session cookie is worth at most this much, and a
 * person approving transfer after transfer signs in again (starts from a fresh form) after it.
 */
export const SESSION_ABSOLUTE_TIMEOUT_MS = 2 * 60 * 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    /** When this browser's session was created (ms since the epoch); kept across new ids. */
    createdAt?: number;
    /** The idle timeout in force; absent means SESSION_IDLE_TIMEOUT_MS. */
    idleTimeoutMs?: number;
  }
}

/** Marks a session just created (the form was submitted): its absolute lifetime starts now. */
export function beginSessionLifetime(req: Request, now: Date): void {
  req.session.createdAt ??= now.getTime();
}

/** Whether the session is older than its absolute lifetime. */
export function pastAbsoluteLifetime(data: Partial<SessionData>, now: number): boolean {
  return data.createdAt !== undefined && now - data.createdAt >= SESSION_ABSOLUTE_TIMEOUT_MS;
}

/**
 * How long from `now` a store keeps this session's row: its idle timeout, cut short by what is
 * left of its absolute lifetime. Each write and touch starts the count again, so the idle
 * timeout rolls; zero or less means the row is deleted.
 */
export function sessionRowTtlMs(data: Partial<SessionData>, now: number): number {
  const idle = data.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS;
  if (data.createdAt === undefined) return idle;
  return Math.min(idle, data.createdAt + SESSION_ABSOLUTE_TIMEOUT_MS - now);
}

/**
 * Shortens the session's lifetime once its approval is decided. The field is session data, so
 * the save at the end of this request gives the store row the short expiry, and every later
 * touch keeps it; the store's pruning (SQLite) or TTL (Redis) then removes the row.
 */
export function shortenFinishedSession(req: Request): void {
  req.session.idleTimeoutMs = FINISHED_SESSION_IDLE_TIMEOUT_MS;
}

/**
 * A finished session starting a new transfer (GET /): gives it the full idle timeout back and
 * drops the old result, so the person has the usual time to fill in the form.
 */
export function renewFinishedSession(req: Request): void {
  if (!req.session.result || req.session.transfer || req.session.flow) return;
  delete req.session.result;
  delete req.session.idleTimeoutMs;
}
