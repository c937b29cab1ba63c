import Database from 'better-sqlite3';
import * as redis from 'redis';

/**
 * A durable store (SQLite file or Redis server) cannot be used: at startup, one clear line
 * instead of failing on the first approval. Redis URLs are redacted before they get here.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    readonly kind: 'sqlite' | 'redis',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The Redis client's errors when the server cannot answer: down and reconnecting, dropped
 * mid-command, timed out, or refusing (LOADING, MISCONF, OOM).
 */
const REDIS_FAILURES = [
  redis.ClientClosedError,
  redis.ClientOfflineError,
  redis.ConnectionTimeoutError,
  redis.DisconnectsClientError,
  redis.ReconnectStrategyError,
  redis.SocketClosedUnexpectedlyError,
  redis.SocketTimeoutError,
  redis.TimeoutError,
  redis.ErrorReply,
];

/**
 * True when `error` means the session or approval store could not do its work (Redis down,
 * SQLite busy, full or closed), not a bug in our code: worth a 503 and a retry, not a 500.
 */
export function isStoreFailure(error: unknown): boolean {
  return (
    error instanceof StoreUnavailableError ||
    error instanceof Database.SqliteError ||
    // better-sqlite3 throws a plain TypeError for a call on a closed handle (shutdown in progress).
    (error instanceof TypeError && /database connection is not open/i.test(error.message)) ||
    REDIS_FAILURES.some((kind) => error instanceof kind)
  );
}
