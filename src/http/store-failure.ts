import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';
import { isStoreFailure } from '../store/is-store-failure.js';

/** Seconds a client should wait before trying again: Redis reconnects within about 5 s. */
const RETRY_AFTER_S = 5;

/**
 * The session or approval store (Redis, SQLite) failed while serving a request. Code
 * `STORE_UNAVAILABLE`, like the startup error of the same cause. The message does not say
 * "nothing was approved": the store may have failed after an approval was recorded, and the
 * person can check the recent approvals once the store is back.
 */
export class StoreFailureError extends AppError {
  constructor(cause: unknown) {
    super(
      503,
      'STORE_UNAVAILABLE',
      'We cannot reach our session and approval store right now. Wait a few seconds and try again; ' +
        'if you were approving a transfer, check "Recent approvals" before you approve it again.',
      { retryAfter: RETRY_AFTER_S, cause },
    );
  }
}

/**
 * Error middleware placed before the error handler: store failures become a 503 page (or JSON)
 * with a stable code instead of the generic 500. Everything else passes through unchanged.
 */
export function storeFailure(error: unknown, _req: Request, _res: Response, next: NextFunction) {
  next(isStoreFailure(error) ? new StoreFailureError(error) : error);
}
