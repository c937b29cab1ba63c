import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

/** The header a proxy or a caller may set, and the one every answer carries back. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * What we accept from outside: what load balancers and tracing tools send as ids (UUIDs, nginx's
 * `$request_id` hex, `lb-7f3a:01`), at most 64 characters of letters, digits and `._:-`. Anything
 * else (slashes, `=`, `@`, spaces, quotes, markup) gets a fresh id: the id is copied into every
 * log line and PingOne call event of the request, so a caller gets to put no more there than an
 * id needs.
 */
const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The caller's `X-Request-Id` when it is sane, else a fresh UUID. */
export function chooseRequestId(incoming: string | undefined): string {
  return incoming !== undefined && SANE.test(incoming) ? incoming : randomUUID();
}

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: in every log line written while serving it and in `X-Request-Id`. */
    id?: string;
    /** The app's logger with this request's id (`reqId`) on every line. */
    log: Logger;
  }
}

/**
 * Gives each request an id, echoes it in the `X-Request-Id` response header (so a person can
 * quote it and an operator can find every line of that request, its PingOne calls included),
 * and gives the request its own logger, `req.log`, that writes the id on each line.
 */
export function requestId(logger: Logger) {
  return function assignRequestId(req: Request, res: Response, next: NextFunction): void {
    const id = chooseRequestId(req.get(REQUEST_ID_HEADER));
    req.id = id;
    req.log = logger.child({ reqId: id });
    res.set(REQUEST_ID_HEADER, id);
    next();
  };
}
