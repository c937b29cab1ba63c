import type { NextFunction, Request, Response } from 'express';
import { TooManyRequestsError } from '../errors.js';

export interface RateLimitOptions {
  /** Submissions allowed per window and key. */
  limit: number;
  windowMs: number;
  now: () => Date;
  /** The bucket a request counts against (the session by default). */
  key?: (req: Request) => string | undefined;
}

/**
 * A fixed-window counter per session for code submissions. PingOne locks the flow after a few
 * wrong codes anyway; this keeps one browser from hammering PingOne (and our SMS quota, 50 per
 * user per day) with resends and guesses. In-process: with several instances each counts alone,
 * which only makes the limit looser by the number of instances.
 */
export function rateLimit(options: RateLimitOptions) {
  const windows = new Map<string, { start: number; count: number }>();
  const keyOf = options.key ?? ((req: Request) => req.sessionID);
  return function limitRequests(req: Request, _res: Response, next: NextFunction): void {
    const key = keyOf(req);
    if (!key) return next();
    const now = options.now().getTime();
    // A window is inserted when it starts (an expired one is deleted first): the oldest come
    // first, so the sweep stops at the first live one instead of walking every session.
    for (const [k, w] of windows) {
      if (now - w.start < options.windowMs) break;
      windows.delete(k);
    }
    const current = windows.get(key) ?? { start: now, count: 0 };
    current.count += 1;
    windows.set(key, current);
    if (current.count > options.limit) {
      const retryAfter = Math.max(1, Math.ceil((current.start + options.windowMs - now) / 1000));
      return next(new TooManyRequestsError(retryAfter));
    }
    next();
  };
}
