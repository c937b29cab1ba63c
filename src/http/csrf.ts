import { createHmac, randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { CsrfError } from '../errors.js';
import { auditFields } from './audit-fields.js';
import { sameSecret } from './same-secret.js';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
    /** Identifies the browser across session regeneration (rate limits count per browser). */
    browserId?: string;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The POST brought neither a session nor a valid form cookie: the route says "expired". */
    sessionMissing?: boolean;
    /** The session's browser id, or before there is a session the form cookie's id. */
    browserId?: string;
  }
}

/** Another instance's clock may run a little ahead. */
const CLOCK_SKEW_MS = 60_000;

export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

/**
 * OWASP's synchronizer token in the session; before one, a signed double-submit cookie, so a first
 * look stores nothing. A POST with neither (both expired) goes on with `req.sessionMissing`.
 */
export function csrfProtection(options: {
  secret: string;
  /** BASE_URL is https: `Secure` and the `__Host-` name, set only on requests over https. */
  secure: boolean;
  /** How long after the last form page a cookie is still good (the session's idle timeout). */
  lifetimeMs: number;
  now: () => Date;
}) {
  const name = options.secure ? '__Host-txa.form' : 'txa.form';
  const key = createHmac('sha256', options.secret).update('txa form cookie').digest();
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url');
  const tokenFor = (id: string) => mac(`form.${id}`);

  const readCookie = (req: Request): string | undefined => {
    // The first one when it is sent twice.
    const cookie = req.headers.cookie
      ?.split(';')
      .find((part) => part.trim().startsWith(`${name}=`));
    const [id, issued, sig, extra] =
      cookie
        ?.trim()
        .slice(name.length + 1)
        .split('.') ?? [];
    if (!id || !issued || !sig || extra !== undefined) return undefined;
    if (!sameSecret(sig, mac(`cookie.${id}.${issued}`))) return undefined;
    const age = options.now().getTime() - parseInt(issued, 36) * 1000;
    return age < options.lifetimeMs && age > -CLOCK_SKEW_MS ? id : undefined;
  };

  const verify: RequestHandler = (req, _res, next) => {
    const cookieId = readCookie(req);
    req.browserId = req.session?.browserId ?? cookieId;
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = body?._csrf ?? req.get('x-csrf-token');
    const expected = req.session.csrfToken;
    const matches = (token: string | undefined) =>
      typeof sent === 'string' && token !== undefined && sameSecret(sent, token);
    // The first page's token stays good after the session exists: a second tab opened before.
    const genuine = matches(expected) || (cookieId !== undefined && matches(tokenFor(cookieId)));
    // Nothing this browser was given is still good: a timeout, not an attack.
    req.sessionMissing = !genuine && !expected && cookieId === undefined;
    if (genuine || req.sessionMissing) return next();
    req.log.warn({ event: 'csrf.failed', ...auditFields(req) }, 'CSRF token refused');
    next(new CsrfError());
  };

  // Each form page sets the cookie again with a fresh issue time: its lifetime restarts.
  const formToken = (req: Request, res: Response): string => {
    if (req.session.csrfToken) return req.session.csrfToken;
    const id = readCookie(req) ?? randomBytes(16).toString('base64url');
    // Like express-session, a secure cookie is not sent over plain http: the browser would drop it.
    if (!options.secure || req.secure) {
      const issued = Math.floor(options.now().getTime() / 1000).toString(36);
      // No maxAge: a browser-session cookie, like the session's.
      res.cookie(name, `${id}.${issued}.${mac(`cookie.${id}.${issued}`)}`, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        path: '/',
        encode: String,
      });
    }
    req.browserId ??= id;
    return tokenFor(id);
  };
  return { verify, formToken };
}
