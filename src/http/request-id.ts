import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

/**
 * What we accept from outside: what load balancers and tracing tools send as ids (UUIDs, nginx's
 * `$request_id` hex, `lb-7f3a:01`), at most 64 characters of letters, digits and `._:-`. Anything
 * else (slashes, `=`, `@`, spaces, quotes, markup) gets a fresh id: the id is copied into every
 * log line and PingOne call event of the request, so a caller gets to put no more there than an
 * id needs.
 */
const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: in every log line written while serving it and in `X-Request-Id`. */
    id?: string;
    /** The app's logger with this request's id (`reqId`) on every line. */
    log: Logger;
  }
}

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is sane, else a fresh UUID),
 * echoes it in `X-Request-Id` (a person can quote it, an operator finds every line of that
 * request, its PingOne calls included), and a logger, `req.log`, that writes it on each line.
 */
export function requestId(logger: Logger) {
  return function assignRequestId(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.get('X-Request-Id');
    const id = incoming !== undefined && SANE.test(incoming) ? incoming : randomUUID();
    req.id = id;
    req.log = logger.child({ reqId: id });
    res.set('X-Request-Id', id);
    next();
  };
}
