import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/approval/approval-store.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { openSqliteDatabase, sqliteFile } from '../../src/store/open-sqlite-database.js';
import { SqliteApprovalStore } from '../../src/store/sqlite-approval-store.js';
import { StoreUnavailableError } from '../../src/store/store-unavailable-error.js';
import { walSync } from '../../src/store/wal-sync.js';

const dirs: string[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
  dirs.push(dir);
  return dir;
}

function record(transferId: string): ApprovalRecord {
  return {
    transferId,
    approvalId: `a-${transferId}`,
    amount: '10.00',
    currency: 'EUR',
    payee: 'Payee',
    fromAccount: 'NL00BANK0123456789',
    transferHash: 'h',
    approvedAt: new Date().toISOString(),
    evidence: { sub: 'user' },
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, ko) => {
    resolve = ok;
    reject = ko;
  });
  return { promise, resolve, reject };
}

/** A file handle whose fsyncs the test finishes one by one. */
function slowDisk() {
  const pending: Array<ReturnType<typeof deferred>> = [];
  let opens = 0;
  return {
    pending,
    opens: () => opens,
    open: async () => {
      opens += 1;
      return {
        datasync: () => {
          const d = deferred();
          pending.push(d);
          return d.promise;
        },
        close: async () => undefined,
      };
    },
  };
}

const settled = (promise: Promise<unknown>) => {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('an approval is on disk before createIfAbsent answers', () => {
  it('the SQLite store commits at NORMAL and fsyncs the WAL file', async () => {
    const dir = dataDir();
    const stores: Stores = await createStores({ kind: 'sqlite', dataDir: dir });
    cleanups.push(() => stores.close());
    expect(await stores.approvals.createIfAbsent(record('t1'))).toBe(true);
    expect(await stores.approvals.createIfAbsent(record('t1'))).toBe(false);
    expect(existsSync(`${sqliteFile(dir)}-wal`)).toBe(true);
    expect((await stores.approvals.get('t1'))?.approvalId).toBe('a-t1');
  });

  it('waits for the sync, and fails with STORE_UNAVAILABLE when the sync fails', async () => {
    const db = openSqliteDatabase(dataDir());
    cleanups.push(() => db.close());
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    let sync = deferred();
    const store = new SqliteApprovalStore(db, () => sync.promise);

    const first = store.createIfAbsent(record('t1'));
    const firstDone = settled(first);
    await tick();
    // Committed (another request sees it) but not yet answered: the disk has not confirmed it.
    expect(firstDone()).toBe(false);
    expect(await store.get('t1')).toBeDefined();
    sync.resolve();
    expect(await first).toBe(true);

    sync = deferred();
    const second = store.createIfAbsent(record('t2'));
    sync.reject(new StoreUnavailableError('sqlite', 'disk gone'));
    await expect(second).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('walSync', () => {
  it('shares fsyncs: callers arriving during one wait for the next, not for one each', async () => {
    const disk = slowDisk();
    const wal = walSync('/data/store.sqlite', 5_000, disk.open);
    const a = wal.sync();
    await tick();
    expect(disk.pending).toHaveLength(1);
    // b and c committed while a's fsync was under way: it may not cover them.
    const b = wal.sync();
    const c = wal.sync();
    const bDone = settled(b);
    disk.pending[0]!.resolve();
    await a;
    await tick();
    expect(bDone()).toBe(false);
    expect(disk.pending).toHaveLength(2);
    disk.pending[1]!.resolve();
    await Promise.all([b, c]);
    expect(disk.pending).toHaveLength(2);
    expect(disk.opens()).toBe(1);
  });

  it('gives up at the deadline with STORE_UNAVAILABLE', async () => {
    const disk = slowDisk();
    const wal = walSync('/data/store.sqlite', 50, disk.open);
    const started = Date.now();
    const error = await wal.sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).message).toContain('was not on disk within 50 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('turns a file that cannot be opened into STORE_UNAVAILABLE, and opens again next time', async () => {
    const dir = dataDir();
    const wal = walSync(join(dir, 'missing', 'store.sqlite'));
    cleanups.push(() => wal.close());
    await expect(wal.sync()).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('Cannot sync'),
    });
    const db = openSqliteDatabase(join(dir, 'missing'));
    cleanups.push(() => db.close());
    db.exec('CREATE TABLE t (x)');
    await expect(wal.sync()).resolves.toBeUndefined();
  });
});
