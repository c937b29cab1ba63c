import type { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import { pastAbsoluteLifetime } from '../approval/session-lifetime.js';
import type { Logger } from '../log.js';

/**
 * A browser-session cookie (no `maxAge`): the idle and absolute lifetimes are kept on the server
 * (src/approval/session-lifetime.ts).
 */
export function sessionMiddleware(options: {
  secret: string;
  store?: Store;
  /** BASE_URL is https. */
  secure: boolean;
  logger: Logger;
  now: () => Date;
}): RequestHandler {
  const { now } = options;
  const handler = session({
    // `__Host-`: no other host, not even a sibling subdomain, can plant it (RFC 6265bis §4.1.3.2).
    name: options.secure ? '__Host-txa.sid' : 'txa.sid',
    secret: options.secret,
    store: options.store,
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
      // A save that failed after the page was sent: Express would print its stack, we log a line.
      if (error && res.headersSent) {
        req.log.warn(
          { err: error instanceof Error ? error.message : String(error), path: req.path },
          'session not saved after the response was sent',
        );
        return;
      }
      if (error) return next(error);
      // Past its absolute lifetime a session is replaced by an empty one, as if it expired idle.
      if (!req.session || !pastAbsoluteLifetime(req.session, now().getTime())) return next();
      req.log.info({ event: 'session.absolute_expired' }, 'session past its absolute lifetime');
      req.session.regenerate((err?: unknown) => next(err));
    });
  };
}
