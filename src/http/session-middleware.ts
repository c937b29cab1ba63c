import type { Request, RequestHandler } from 'express';
import session, { MemoryStore, type Store } from 'express-session';
import { pastAbsoluteLifetime } from '../approval/session-lifetime.js';
import type { Logger } from '../log.js';

export interface SessionMiddlewareOptions {
  secret: string;
  store?: Store;
  /** Cookie `secure` flag and `__Host-` name: BASE_URL is https. */
  secure: boolean;
  logger: Logger;
  /** The clock the absolute lifetime is measured with (tests inject one). */
  now?: () => Date;
}

/**
 * The session cookie's name. Over https it carries the `__Host-` prefix, which browsers accept
 * only with `Secure`, `Path=/` and no `Domain` (RFC 6265bis §4.1.3.2): no other host, not even
 * a sibling subdomain, can set or overwrite it, so nobody can plant a session id in the browser.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-txa.sid' : 'txa.sid';
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err) : resolve())),
  );
}

/**
 * express-session with the app's cookie: `httpOnly`, `sameSite=lax`, a browser-session cookie
 * (no `maxAge`, so no `Expires`); the idle timeout and the absolute lifetime are kept on the
 * server (src/approval/session-lifetime.ts). A session that cannot be saved once the page is
 * sent (a locked SQLite file, Redis gone) comes back through `next` a second time, after the
 * error handler: Express's final handler would print its stack to stderr. One log line instead;
 * the next request that needs the store gets the 503.
 */
export function sessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  const now = options.now ?? (() => new Date());
  const handler = session({
    name: sessionCookieName(options.secure),
    secret: options.secret,
    store: options.store ?? new MemoryStore(),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/' },
  });
  let warnedInsecure = false;
  return (req, res, next) => {
    if (options.secure && !req.secure && !warnedInsecure) {
      // Once per process: the start-up warning explains it; this shows it really happens.
      warnedInsecure = true;
      options.logger.warn(
        { event: 'request.insecure', remoteAddress: req.socket.remoteAddress },
        'a request came over plain HTTP (or from a proxy TRUST_PROXY does not name): ' +
          'the secure session cookie is not set for it',
      );
    }
    handler(req, res, (error?: unknown) => {
      if (error && res.headersSent) {
        const log = (req.log as Logger | undefined) ?? options.logger;
        log.warn(
          { err: error instanceof Error ? error.message : String(error), path: req.path },
          'session not saved after the response was sent',
        );
        return;
      }
      if (error) return next(error);
      expireIfTooOld(req, now().getTime()).then(() => next(), next);
    });
  };
}

/**
 * Past its absolute lifetime a session is replaced by an empty one (its row deleted), as if it
 * had expired idle: the page asks the person to start again. A store that keeps rows by the
 * same rule never serves it; this holds for every store.
 */
async function expireIfTooOld(req: Request, now: number): Promise<void> {
  if (!req.session || !pastAbsoluteLifetime(req.session, now)) return;
  req.log?.info({ event: 'session.absolute_expired' }, 'session past its absolute lifetime');
  await regenerate(req);
}
