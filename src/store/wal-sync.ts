import { open, type FileHandle } from 'node:fs/promises';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { withinDeadline } from './within-deadline.js';

/** How long an approval may wait for the disk before the request gets 503 STORE_UNAVAILABLE. */
export const WAL_SYNC_DEADLINE_MS = 5_000;

export interface WalSync {
  /**
   * Resolves once everything committed before the call is on disk. Concurrent callers share
   * fsyncs: one that starts while a sync is under way waits for the next one (group commit).
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes commits of a WAL-mode database durable without `synchronous = FULL`. FULL fsyncs the WAL
 * inside every commit, on the event loop (better-sqlite3 is synchronous): `npm run bench` found
 * each approval insert holding the loop ~0.7 ms. In WAL mode a transaction is durable once its
 * frames are on disk in the `-wal` file, so the commit runs at NORMAL and this fsyncs that file
 * on libuv's thread pool. A checkpoint in between is no loss: at NORMAL it syncs the WAL before
 * copying it and the database file after (https://www.sqlite.org/wal.html), and the `-wal` file
 * keeps its inode when SQLite restarts it, so the handle opened once stays the right file.
 */
export function walSync(
  databaseFile: string,
  deadlineMs = WAL_SYNC_DEADLINE_MS,
  openFile: (path: string, flags: string) => Promise<Pick<FileHandle, 'datasync' | 'close'>> = open,
): WalSync {
  const walFile = `${databaseFile}-wal`;
  let handle: ReturnType<typeof openFile> | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const fsyncOnce = async (): Promise<void> => {
    handle ??= openFile(walFile, 'r+');
    const opened = handle;
    // A failed open is tried again by the next sync, not remembered.
    opened.catch(() => {
      if (handle === opened) handle = undefined;
    });
    await (await opened).datasync();
  };
  const start = (): Promise<void> =>
    (running = fsyncOnce().finally(() => {
      running = undefined;
    }));
  const sync = (): Promise<void> => {
    if (!running) return start();
    // The sync under way may have started before the caller's commit: it needs the next one.
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return running ?? start();
      });
    return next;
  };

  return {
    sync: () =>
      withinDeadline(
        sync(),
        deadlineMs,
        () =>
          new StoreUnavailableError('sqlite', `${walFile} was not on disk within ${deadlineMs} ms`),
      ).catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new StoreUnavailableError('sqlite', `Cannot sync ${walFile}: ${reason}`, {
          cause: error,
        });
      }),
    close: async () => {
      const opened = handle;
      handle = undefined;
      await opened?.then((h) => h.close()).catch(() => undefined);
    },
  };
}
