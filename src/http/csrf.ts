import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { CsrfError } from '../errors.js';
import { auditFields } from './audit-fields.js';
import { FormCookie, type FormCookieOptions } from './form-cookie.js';
import { sameSecret } from './same-secret.js';

declare module 'express-session' {
  interface SessionData {
    /** Synchronizer token: every form carries it, every POST must send it back. */
    csrfToken?: string;
    /** Identifies the browser across session regeneration (rate limits count per browser). */
    browserId?: string;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /**
     * Set by the CSRF check: the POST brought neither a session nor a valid form cookie (both
     * expired, or foreign), so the route sends the person back to the start.
     */
    sessionMissing?: boolean;
    /** The session's browser id, or before there is a session the form cookie's id. */
    browserId?: string;
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
 * CSRF protection (OWASP CSRF cheat sheet): a synchronizer token in the session once there is
 * one, and before that a signed double-submit cookie (form-cookie.ts). A POST that matches
 * neither is refused with 403 when it has a session or a valid form cookie; with neither (both
 * expired, or foreign) it is passed on with `req.sessionMissing = true`, so that the route can
 * say "your session expired" instead of a 403 for something a timeout caused. Such a request
 * can change nothing: it has no flow state.
 */
export function csrfProtection(options: FormCookieOptions) {
  const cookie = new FormCookie(options);
  /** Middleware after the session's: checks the token of every unsafe request. */
  const verify: RequestHandler = (req, _res, next) => {
    const cookieId = cookie.read(req);
    req.browserId = req.session?.browserId ?? cookieId;
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = body?.[CSRF_FIELD] ?? req.get('x-csrf-token');
    const expected = req.session.csrfToken;
    const matches = (token: string | undefined) =>
      typeof sent === 'string' && token !== undefined && sameSecret(sent, token);
    // The first page's token stays good after the session exists: a second tab opened before.
    if (matches(expected) || (cookieId !== undefined && matches(cookie.tokenFor(cookieId)))) {
      return next();
    }
    // Nothing this browser was given is still good: a timeout, not an attack.
    if (!expected && cookieId === undefined) {
      req.sessionMissing = true;
      return next();
    }
    req.log?.warn({ event: 'csrf.failed', ...auditFields(req) }, 'CSRF token refused');
    next(new CsrfError());
  };
  /**
   * The token for a page with a form: the session's when there is a session; before that a
   * stateless one bound to the signed form cookie (set on this response), so that a visitor
   * who only looks at the first page leaves nothing in the store.
   */
  const formToken = (req: Request, res: Response): string => {
    if (req.session.csrfToken) return req.session.csrfToken;
    const id = cookie.issue(req, res, cookie.read(req));
    req.browserId ??= id;
    return cookie.tokenFor(id);
  };
  return { verify, formToken };
}
