import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

/**
 * One line per request: method, path (never the query: a callback's carries the code), status
 * and duration. Headers and bodies are never logged.
 */
export function requestLog(logger: Logger) {
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}
