import type { RequestHandler } from 'express';
import session, { MemoryStore, type Store } from 'express-session';
import { SESSION_MAX_AGE_MS } from '../approval/session-lifetime.js';
import type { Logger } from '../log.js';

export interface SessionMiddlewareOptions {
  secret: string;
  store?: Store;
  /** Cookie `secure` flag: BASE_URL is https. */
  secure: boolean;
  logger: Logger;
}

/**
 * express-session with the app's cookie. A session that cannot be saved once the page is sent
 * (a locked SQLite file, Redis gone) comes back through `next` a second time, after the error
 * handler: Express's final handler would print its stack to stderr. One log line instead; the
 * next request that needs the store gets the 503.
 */
export function sessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  const handler = session({
    name: 'txa.sid',
    secret: options.secret,
    store: options.store ?? new MemoryStore(),
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      maxAge: SESSION_MAX_AGE_MS,
      path: '/',
    },
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
      next(error);
    });
  };
}
