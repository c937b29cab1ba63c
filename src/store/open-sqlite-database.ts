import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** The one file that holds both the sessions and the approval records. */
export const SQLITE_FILE_NAME = 'store.sqlite';

/**
 * How long one SQLite call may wait for another connection's lock. SQLite waits by sleeping the
 * thread, and our calls run on the event loop: every millisecond here stops every request.
 */
const SQLITE_BUSY_TIMEOUT_MS = 20;

/**
 * Waits between attempts while the file stays locked, the loop free meanwhile: with each
 * attempt's busy timeout, the most a request waits before its 503 STORE_UNAVAILABLE, about 1 s.
 */
const RETRY_DELAYS_MS = [25, 50, 100, 200, 250, 250];

/**
 * Runs `work` now, and again after each delay while the file is locked (SQLITE_BUSY or
 * SQLITE_LOCKED, extended codes too). The answer comes synchronously when the first attempt
 * succeeds (the common case, and what keeps express-session's response in one write).
 */
export function retryWhileBusy<T>(work: () => T, done: (error: unknown, value?: T) => void): void {
  const attempt = (index: number): void => {
    let value: T;
    try {
      value = work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[index];
      const busy =
        error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(error.code);
      if (delay !== undefined && busy) setTimeout(() => attempt(index + 1), delay);
      else done(error);
      return;
    }
    done(null, value);
  };
  attempt(0);
}

export function whileBusy<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    retryWhileBusy(work, (error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run. Append
 * only: a released migration never changes, so every existing file can be brought forward.
 */
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

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database): void {
  // Reading the version needs no lock in WAL mode: an up-to-date file starts even while another
  // process (a backup) holds the write lock.
  if (userVersion(db) === MIGRATIONS.length) return;
  // IMMEDIATE takes the write lock before reading the version, so two processes starting on
  // the same new file cannot both run the first migration.
  db.transaction(() => {
    const from = userVersion(db);
    if (from > MIGRATIONS.length) {
      throw new Error(
        `schema version ${from} is newer than this code knows (${MIGRATIONS.length}); upgrade the app`,
      );
    }
    for (let version = from; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/**
 * The file holds PingOne cookies, PKCE verifiers and nonces: only the app's user may read it.
 * SQLite creates `-wal` and `-shm` with the mode of the database file, so a file created 0600
 * keeps its companions private whatever the umask; files left readable by an earlier version
 * are narrowed at every start. Only what this user owns is narrowed: OpenShift runs the image as
 * an arbitrary uid in group 0 on a folder that `node:0` owns with `g=u` (the Dockerfile), where
 * the folder is not ours to change and our own files are still created 0600.
 */
function restrictModes(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  narrowIfOwned(dataDir, 0o700);
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'wx', 0o600));
    } catch (err) {
      // Another connection or process created it in between; it is narrowed below.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) narrowIfOwned(path, 0o600);
}

function narrowIfOwned(path: string, mode: number): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && stat.uid === process.getuid?.() && (stat.mode & 0o777) !== mode)
    chmodSync(path, mode);
}

/**
 * Opens (creating folder and file on first start, folder 0700 and files 0600) the SQLite
 * database in `dataDir`, in WAL mode, with the schema brought up to date. `synchronous` is the
 * connection's (https://www.sqlite.org/pragma.html#pragma_synchronous): at FULL each commit
 * syncs the WAL before it returns, so it survives a power cut; at NORMAL it survives a crash of
 * the process, and the WAL is synced at checkpoints.
 */
export function openSqliteDatabase(
  dataDir: string,
  synchronous: 'FULL' | 'NORMAL' = 'FULL',
): Database.Database {
  const file = resolve(dataDir, SQLITE_FILE_NAME);
  let db: Database.Database | undefined;
  try {
    restrictModes(dataDir, file);
    // Startup may wait for a lock (nothing is served yet); requests may not (below).
    db = new Database(file, { timeout: 5_000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
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
