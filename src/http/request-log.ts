import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
    log: Logger;
  }
}

/** Ids as load balancers and tracers send them; anything else is replaced (it is in every line). */
const SANE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** `X-Request-Id` (the caller's when sane) echoed back, and `req.log` writing it on every line. */
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
 * One line per request, aborted ones too: never the query (a callback's carries the code),
 * headers or bodies.
 */
export function requestLog(req: Request, res: Response, next: NextFunction): void {
  const started = performance.now();
  const line = () => ({
    method: req.method,
    path: req.path,
    status: res.statusCode,
    durationMs: Math.round(performance.now() - started),
  });
  res.on('finish', () => req.log.info(line(), 'request'));
  res.on('close', () => {
    if (!res.writableFinished) req.log.info({ ...line(), aborted: true }, 'request');
  });
  next();
}
