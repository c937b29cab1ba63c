import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: in every log line written while serving it and in `X-Request-Id`. */
    id?: string;
    /** The app's logger with this request's id (`reqId`) on every line. */
    log: Logger;
  }
}

/**
 * What we accept from outside: what load balancers and tracing tools send as ids (UUIDs, nginx's
 * `$request_id` hex, `lb-7f3a:01`). Anything else gets a fresh id: the id is copied into every
 * log line and PingOne call event of the request, so a caller gets to put no more there.
 */
const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is sane, else a fresh UUID),
 * echoes it in `X-Request-Id` (a person can quote it, an operator finds every line of that
 * request, its PingOne calls included), and `req.log`, a logger that writes it on each line.
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

/**
 * One line per request: request id, method, path (never the query: a callback's carries the
 * code), status and duration; never headers or bodies. A request the client gave up on (closed
 * before the answer) is logged too, as `aborted`.
 */
export function requestLog(logger: Logger) {
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    const log = (req.log as Logger | undefined) ?? logger;
    const line = () => ({
      method: req.method,
      path: req.path,
      status: res.statusCode,
      durationMs: Math.round(performance.now() - started),
    });
    res.on('finish', () => log.info(line(), 'request'));
    res.on('close', () => {
      if (!res.writableFinished) log.info({ ...line(), aborted: true }, 'request');
    });
    next();
  };
}
