import type { SessionData } from 'express-session';

/**
 * How long from `now` a session without a cookie expiry of its own is kept: a fixed time, or
 * one read from the session (its idle timeout, what is left of its absolute lifetime).
 */
export type SessionTtl = number | ((session: SessionData, now: number) => number);

/**
 * When a stored session stops being valid: the cookie's own expiry when it has one (a cookie
 * with `maxAge`, as sessions written before browser-session cookies had), otherwise `ttl` from
 * now, as connect-redis does for its TTL.
 */
export function sessionExpiresAt(session: SessionData, now: number, ttl: SessionTtl): number {
  const expires = session.cookie?.expires;
  if (expires) {
    const at = new Date(expires).getTime();
    if (Number.isFinite(at)) return at;
  }
  return now + (typeof ttl === 'function' ? ttl(session, now) : ttl);
}
