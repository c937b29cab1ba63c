import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/approval/approval-store.js';
import { createStores } from '../../src/store/create-stores.js';
import { SQLITE_FILE_NAME, openSqliteDatabase } from '../../src/store/open-sqlite-database.js';
import { SqliteApprovalStore } from '../../src/store/sqlite-approval-store.js';

const dirs: string[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openIn(dir: string): Database.Database {
  const db = openSqliteDatabase(dir);
  cleanups.push(() => db.close());
  return db;
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

// https://www.sqlite.org/pragma.html#pragma_synchronous: 2 is FULL, 1 is NORMAL (the WAL synced
// only at checkpoints: a commit could be lost to a power cut).
const FULL = 2;
const NORMAL = 1;

describe('an approval is on disk before createIfAbsent answers', () => {
  it('the approvals’ connection runs WAL mode at synchronous = FULL, which syncs the WAL at each commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-durable-'));
    dirs.push(dir);
    const stores = await createStores({ dataDir: dir });
    cleanups.push(() => void stores.close());
    // The store's own connection (private: nothing else should reach it).
    const db = (stores.approvals as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('opens at FULL unless told NORMAL (the sessions’ connection)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-durable-'));
    dirs.push(dir);
    expect(openIn(dir).pragma('synchronous', { simple: true })).toBe(FULL);
    const sessions = openSqliteDatabase(dir, 'NORMAL');
    cleanups.push(() => sessions.close());
    expect(sessions.pragma('synchronous', { simple: true })).toBe(NORMAL);
  });

  it('answers once the row is committed: another connection reads it at once, and a second insert is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-durable-'));
    dirs.push(dir);
    const store = new SqliteApprovalStore(openIn(dir));
    expect(await store.createIfAbsent(record('t1'))).toBe(true);
    const reader = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    cleanups.push(() => reader.close());
    const row = reader.prepare('SELECT approval_id FROM approvals WHERE transfer_id = ?').get('t1');
    expect(row).toEqual({ approval_id: 'a-t1' });
    expect(await store.createIfAbsent(record('t1'))).toBe(false);
  });
});
