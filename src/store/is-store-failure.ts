import Database from 'better-sqlite3';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import { StoreUnavailableError } from './store-unavailable-error.js';

/**
 * What the Redis client throws when the server cannot answer: the connection is down and being
 * retried (commands fail at once: no offline queue), it dropped mid-command, a command timed
 * out, or the server refused to work (an error reply such as LOADING, MISCONF or OOM).
 */
const REDIS_FAILURES = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
  ErrorReply,
] as const;

/**
 * True when `error` means the session or approval store could not do its work (Redis down,
 * SQLite busy, full or closed), as opposed to a bug in our code. Such a failure is worth a retry
 * later and deserves a 503, not a 500.
 */
export function isStoreFailure(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (error instanceof Database.SqliteError) return true;
  // better-sqlite3 throws a plain TypeError for a call on a closed handle (shutdown in progress).
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return true;
  }
  return REDIS_FAILURES.some((kind) => error instanceof kind);
}
