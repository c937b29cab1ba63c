import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CsrfError } from '../errors.js';
import { sameSecret } from './same-secret.js';

declare module 'express-session' {
  interface SessionData {
    /** Synchronizer token: every form carries it, every POST must send it back. */
    csrfToken?: string;
  }
}

/** The form field every form of the app carries. */
export const CSRF_FIELD = '_csrf';

/** The session's token, created on first use (and again after the session is regenerated). */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

/**
 * Synchronizer-token CSRF check for unsafe methods (OWASP CSRF cheat sheet). A POST whose
 * session never had a token is passed on with `req.sessionMissing = true` so that the route can
 * send the person back to the start ("your session expired") instead of showing a 403 for
 * something a timeout caused; such a request can change nothing because it has no flow state.
 */
export function verifyCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const expected = req.session.csrfToken;
  const body = req.body as Record<string, unknown> | undefined;
  const sent = body?.[CSRF_FIELD] ?? req.get('x-csrf-token');
  if (!expected) {
    req.sessionMissing = true;
    return next();
  }
  if (typeof sent !== 'string' || !sameSecret(sent, expected)) return next(new CsrfError());
  next();
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by verifyCsrf: the POST came without any session (expired or foreign cookie). */
    sessionMissing?: boolean;
  }
}
