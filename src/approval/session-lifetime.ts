import type { Request } from 'express';

/** A session in use (filling the form, waiting for the SMS): rolling, refreshed on each request. */
export const SESSION_MAX_AGE_MS = 30 * 60 * 1000;

/**
 * A session whose approval is decided only needs to outlive a look at (or a reload of) the
 * result page; the approval itself is in the approval store. Without this, every browser that
 * approved once and left would keep its session row for the full lifetime.
 */
export const FINISHED_SESSION_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Shortens the session's lifetime once its approval is decided. Setting `maxAge` also sets
 * express-session's `originalMaxAge`, so the rolling refresh at the end of later requests keeps
 * the short lifetime; the store row then expires and the store's pruning (SQLite) or TTL (Redis)
 * removes it.
 */
export function shortenFinishedSession(req: Request): void {
  req.session.cookie.maxAge = FINISHED_SESSION_MAX_AGE_MS;
}

/**
 * A finished session starting a new transfer (GET /): gives it the full lifetime back and drops
 * the old result, so the person has the usual time to fill in the form. The change marks the
 * session modified, so the browser gets the cookie with the new expiry.
 */
export function renewFinishedSession(req: Request): void {
  if (!req.session.result || req.session.transfer || req.session.flow) return;
  delete req.session.result;
  req.session.cookie.maxAge = SESSION_MAX_AGE_MS;
}
