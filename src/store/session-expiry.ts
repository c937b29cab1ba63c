import type { SessionData } from 'express-session';

/**
 * When a stored session stops being valid: the cookie's own expiry when it has one (a cookie
 * with `maxAge`), otherwise `ttlMs` from now, as connect-redis does for its TTL.
 */
export function sessionExpiresAt(session: SessionData, now: number, ttlMs: number): number {
  const expires = session.cookie?.expires;
  if (expires) {
    const at = new Date(expires).getTime();
    if (Number.isFinite(at)) return at;
  }
  return now + ttlMs;
}
