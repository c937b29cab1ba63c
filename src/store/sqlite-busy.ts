import Database from 'better-sqlite3';

/**
 * How long one SQLite call may wait for another connection's lock. SQLite waits by sleeping the
 * thread, and our calls run on the event loop: every millisecond here stops every request.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 20;

/**
 * Waits between attempts while the file stays locked: the loop serves other requests meanwhile.
 * All of them together (with an attempt's own busy timeout) make the most a request waits before
 * it gets 503 STORE_UNAVAILABLE, about 1 s.
 */
const RETRY_DELAYS_MS = [25, 50, 100, 200, 250, 250];

/** SQLITE_BUSY (another connection holds the lock) or SQLITE_LOCKED, with extended codes. */
function isSqliteBusy(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(String(error.code))
  );
}

/**
 * Runs `work` now, and when the file is locked again after each delay, never blocking the loop
 * for more than one short busy timeout. The answer comes synchronously when the first attempt
 * succeeds (the common case, and what keeps express-session's response in one write).
 */
export function retryWhileBusy<T>(work: () => T, done: (error: unknown, value?: T) => void): void {
  const attempt = (index: number): void => {
    let value: T;
    try {
      value = work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[index];
      if (delay !== undefined && isSqliteBusy(error)) {
        setTimeout(() => attempt(index + 1), delay);
        return;
      }
      done(error);
      return;
    }
    done(null, value);
  };
  attempt(0);
}

/** `retryWhileBusy` as a promise, for the approval store's async methods. */
export function whileBusy<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    retryWhileBusy(work, (error, value) => (error ? reject(error) : resolve(value as T))),
  );
}
