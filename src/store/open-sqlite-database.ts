import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from './store-unavailable-error.js';

export const SQLITE_FILE_NAME = 'store.sqlite';

/**
 * Waits between attempts while the file stays locked, the loop free meanwhile: with each
 * attempt's busy timeout, the most a request waits before its 503 STORE_UNAVAILABLE, about 1 s.
 */
const RETRY_DELAYS_MS = [25, 50, 100, 200, 250, 250];

/**
 * Runs `work`, again after each delay while SQLite is busy or locked; synchronous when the first
 * attempt succeeds, which keeps express-session's response in one write.
 */
export function retryWhileBusy<T>(work: () => T, done?: (error: unknown, value?: T) => void): void {
  const attempt = (index: number): void => {
    let value: T;
    try {
      value = work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[index];
      const busy =
        error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(error.code);
      if (delay !== undefined && busy) setTimeout(() => attempt(index + 1), delay);
      else done?.(error);
      return;
    }
    done?.(null, value);
  };
  attempt(0);
}

export function whileBusy<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    retryWhileBusy(work, (error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

/** Append only: `PRAGMA user_version` counts those that have run. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     sid        TEXT PRIMARY KEY,
     sess       TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX sessions_expires_at ON sessions (expires_at);

   CREATE TABLE approvals (
     transfer_id    TEXT PRIMARY KEY,
     approval_id    TEXT NOT NULL UNIQUE,
     amount         TEXT NOT NULL,
     currency       TEXT NOT NULL,
     payee          TEXT NOT NULL,
     from_account   TEXT NOT NULL,
     transfer_hash  TEXT NOT NULL,
     approved_at    TEXT NOT NULL,
     approved_at_ms INTEGER NOT NULL,
     evidence       TEXT NOT NULL
   ) STRICT;
   CREATE INDEX approvals_approved_at ON approvals (approved_at_ms DESC, transfer_id DESC);`,
];

function migrate(db: Database.Database): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  // No lock needed in WAL mode: an up-to-date file starts while a backup holds the write lock.
  if (version() === MIGRATIONS.length) return;
  // IMMEDIATE locks before reading: two processes on one new file cannot both migrate.
  db.transaction(() => {
    const from = version();
    if (from > MIGRATIONS.length) {
      throw new Error(
        `schema version ${from} is newer than this code knows (${MIGRATIONS.length}); upgrade the app`,
      );
    }
    for (const migration of MIGRATIONS.slice(from)) db.exec(migration);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function narrowIfOwned(path: string, mode: number): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && stat.uid === process.getuid?.() && (stat.mode & 0o777) !== mode)
    chmodSync(path, mode);
}

/**
 * The file holds PingOne cookies and PKCE verifiers: folder 0700, file 0600 (`-wal`, `-shm`
 * inherit it), narrowed at start where we own them (not OpenShift's group-0 folder). FULL survives
 * a power cut, NORMAL a crash (https://www.sqlite.org/pragma.html#pragma_synchronous).
 */
export function openSqliteDatabase(
  dataDir: string,
  synchronous: 'FULL' | 'NORMAL' = 'FULL',
): Database.Database {
  const file = resolve(dataDir, SQLITE_FILE_NAME);
  let db: Database.Database | undefined;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    narrowIfOwned(dataDir, 0o700);
    try {
      closeSync(openSync(file, 'wx', 0o600));
    } catch (err) {
      // It exists (made earlier, or by another connection just now); it is narrowed below.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    for (const path of [file, `${file}-wal`, `${file}-shm`]) narrowIfOwned(path, 0o600);
    // Startup may wait for a lock (nothing is served yet); requests may not.
    db = new Database(file, { timeout: 5_000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    migrate(db);
    // SQLite waits by sleeping the thread, which is the event loop's: every request stops.
    db.pragma('busy_timeout = 20');
    return db;
  } catch (err) {
    db?.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreUnavailableError(
      'sqlite',
      `Cannot open the SQLite store at ${file} (DATA_DIR=${dataDir}): ${reason}`,
      { cause: err },
    );
  }
}
