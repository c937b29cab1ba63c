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
    // req.log (request-id.ts) carries the request id; without it, the app's logger.
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
