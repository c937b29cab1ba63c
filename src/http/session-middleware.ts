import type { Request, RequestHandler } from 'express';
import session, { MemoryStore, type Store } from 'express-session';
import { pastAbsoluteLifetime } from '../approval/session-lifetime.js';
import type { Logger } from '../log.js';

export interface SessionMiddlewareOptions {
  secret: string;
  store?: Store;
  /** BASE_URL is https. */
  secure: boolean;
  logger: Logger;
  now?: () => Date;
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
    // `__Host-` over https: browsers accept it only with `Secure`, `Path=/` and no `Domain`
    // (RFC 6265bis §4.1.3.2), so no other host, not even a sibling subdomain, can plant one.
    name: options.secure ? '__Host-txa.sid' : 'txa.sid',
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
  await new Promise<void>((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err) : resolve())),
  );
}
