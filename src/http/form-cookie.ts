import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { sameSecret } from './same-secret.js';

export interface FormCookieOptions {
  /** SESSION_SECRET; the cookie's key is derived from it, apart from the session cookie's. */
  secret: string;
  /** BASE_URL is https: `Secure` and the `__Host-` name, set only on requests that came over https. */
  secure: boolean;
  /** How long after the last form page a cookie is still good (the session's idle timeout). */
  lifetimeMs: number;
  now: () => Date;
}

/** Another instance's clock may run a little ahead. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The first page's CSRF protection without storing anything: OWASP's "signed double-submit
 * cookie". The browser gets an HttpOnly cookie `id.issuedAt.mac` (a random id, HMAC-signed with
 * a key only the app knows) and the form a token derived from the same id with the same key.
 * A POST is genuine when it brings a valid cookie and the token that belongs to it: a foreign
 * site can neither read the token nor make a cookie that matches one. The id also stands for
 * the browser in the rate limits until it has a session.
 */
export class FormCookie {
  readonly name: string;
  private readonly key: Buffer;

  constructor(private readonly options: FormCookieOptions) {
    this.name = options.secure ? '__Host-txa.form' : 'txa.form';
    this.key = createHmac('sha256', options.secret).update('txa form cookie').digest();
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  /** The form token that belongs to the cookie with this id. */
  tokenFor(id: string): string {
    return this.mac(`form.${id}`);
  }

  /** The id of the request's cookie when it is genuine and not expired. */
  read(req: Request): string | undefined {
    const value = cookieValue(req.headers.cookie, this.name);
    const [id, issued, mac, extra] = value?.split('.') ?? [];
    if (!id || !issued || !mac || extra !== undefined) return undefined;
    if (!sameSecret(mac, this.mac(`cookie.${id}.${issued}`))) return undefined;
    const age = this.options.now().getTime() - parseInt(issued, 36) * 1000;
    return age < this.options.lifetimeMs && age > -CLOCK_SKEW_MS ? id : undefined;
  }

  /**
   * Sets the cookie for `id` (a new random one when absent) with a fresh issue time, so that
   * each form page restarts its lifetime; answers the id. Like express-session, a secure cookie
   * is not sent on a request that did not come over https: the browser would not keep it.
   */
  issue(req: Request, res: Response, id = randomBytes(16).toString('base64url')): string {
    if (this.options.secure && !req.secure) return id;
    const issued = Math.floor(this.options.now().getTime() / 1000).toString(36);
    // No maxAge: a browser-session cookie, like the session's.
    res.cookie(this.name, `${id}.${issued}.${this.mac(`cookie.${id}.${issued}`)}`, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure,
      path: '/',
      encode: String,
    });
    return id;
  }
}

/** The value of cookie `name` in a Cookie header; the first one when it is sent twice. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
