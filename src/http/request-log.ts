import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

/**
 * One line per request: request id (see request-id.ts), method, path (never the query: a
 * callback's carries the code), status and duration. Headers and bodies are never logged. A
 * request the client gave up on (closed before the answer) is logged too, as `aborted`.
 */
export function requestLog(logger: Logger) {
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    // 'finish' fires outside the request's async context: name the id explicitly.
    const line = () => ({
      ...(req.id ? { reqId: req.id } : {}),
      method: req.method,
      path: req.path,
      status: res.statusCode,
      durationMs: Math.round(performance.now() - started),
    });
    res.on('finish', () => logger.info(line(), 'request'));
    res.on('close', () => {
      if (!res.writableFinished) logger.info({ ...line(), aborted: true }, 'request');
    });
    next();
  };
}
