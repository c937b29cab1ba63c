import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/approval/approval-store.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';
import { StoreUnavailableError } from '../../src/store/store-unavailable-error.js';
import { closeSessionApps, startSessionApp } from '../helpers/session-app.js';
import { sessionData, sessionsOf } from '../helpers/session-store.js';

function approval(transferId: string, approvedAt = '2026-11-28T10:00:00.000Z'): ApprovalRecord {
  return {
    transferId,
    approvalId: randomUUID(),
    amount: '99.00',
    currency: 'USD',
    payee: 'Globex',
    fromAccount: 'US00 42',
    transferHash: 'aGFzaA',
    approvedAt,
    evidence: {
      sub: 'user-1',
      acr: 'TxApproval_SMS',
      amr: ['otp'],
      authTime: 1_790_000_000,
      sid: 's-1',
    },
  };
}

/** Rows in the file, read beside the store (what a restart would find). */
function rowCount(dataDir: string, table: 'sessions' | 'approvals'): number {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('SQLite stores', () => {
  let dataDir: string;
  const open: Stores[] = [];
  let clock = 1_800_000_000_000;
  const now = () => clock;

  async function openStores(extra: { sessionTtlMs?: number } = {}): Promise<Stores> {
    const stores = await createStores({ dataDir, now, ...extra });
    open.push(stores);
    return stores;
  }

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'store-sqlite-')), 'nested', 'data');
    clock = 1_800_000_000_000;
  });
  afterEach(async () => {
    for (const stores of open.splice(0)) await stores.close();
    rmSync(resolve(dataDir, '../..'), { recursive: true, force: true });
  });

  it('is chosen by dataDir and creates the folder and a WAL-mode file at the current schema', async () => {
    const stores = await openStores();
    expect(stores.kind).toBe('sqlite');
    const file = join(dataDir, SQLITE_FILE_NAME);
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('opens an existing file without migrating it again', async () => {
    const first = await openStores();
    await first.approvals.createIfAbsent(approval('tr-1'));
    await first.close();
    const second = await openStores();
    expect(await second.approvals.get('tr-1')).toMatchObject({ transferId: 'tr-1' });
  });

  it('reads a file written before the ID token evidence (iss, aud, jti) existed, beside new records', async () => {
    await (await openStores()).close();
    // The row as the previous release wrote it: evidence without iss, aud, jti or hash.
    const db = new Database(join(dataDir, SQLITE_FILE_NAME));
    const oldEvidence = {
      sub: 'user-0',
      acr: 'TxApproval_SMS',
      amr: ['otp'],
      authTime: 1_789_000_000,
    };
    db.prepare(
      `INSERT INTO approvals (transfer_id, approval_id, amount, currency, payee, from_account,
         transfer_hash, approved_at, approved_at_ms, evidence)
       VALUES ('tr-old', 'ap-old', '5.00', 'EUR', 'Initech', 'DE00 1', 'b2xk',
         '2026-11-01T09:00:00.000Z', ?, ?)`,
    ).run(Date.parse('2026-11-01T09:00:00.000Z'), JSON.stringify(oldEvidence));
    db.close();

    const stores = await openStores();
    expect((await stores.approvals.get('tr-old'))?.evidence).toEqual(oldEvidence);
    const fresh = approval('tr-new');
    fresh.evidence = {
      ...fresh.evidence,
      iss: 'https://auth.pingone.eu/env-1/as',
      aud: 'client-1',
      idTokenSha256: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
    };
    expect(await stores.approvals.createIfAbsent(fresh)).toBe(true);
    const recent = await stores.approvals.listRecent(10);
    expect(recent.map((r) => r.transferId)).toEqual(['tr-new', 'tr-old']);
    expect(recent[0]).toEqual(fresh);
    // No migration was needed: the evidence is one JSON column.
    const check = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    check.close();
  });

  it('refuses a file written by a newer schema with STORE_UNAVAILABLE', async () => {
    await (await openStores()).close();
    const db = new Database(join(dataDir, SQLITE_FILE_NAME));
    db.pragma('user_version = 99');
    db.close();
    const error = await createStores({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', kind: 'sqlite' });
    expect((error as Error).message).toMatch(/schema version 99 is newer/);
  });

  it('fails with STORE_UNAVAILABLE naming DATA_DIR when the folder cannot be created', async () => {
    const parent = resolve(dataDir, '..');
    await (await openStores()).close();
    const blocker = join(parent, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const error = await createStores({ dataDir: join(blocker, 'data') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('DATA_DIR=');
    expect((error as Error).message).toContain(blocker);
  });

  describe('sessions', () => {
    it('expire sessionTtlMs after they were set when the cookie has no expiry', async () => {
      const sessions = sessionsOf(await openStores({ sessionTtlMs: 1_000 }));
      await sessions.set('sid-1', sessionData({ flow: 'f' }));
      clock += 999;
      expect(await sessions.get('sid-1')).toMatchObject({ flow: 'f' });
      clock += 1;
      expect(await sessions.get('sid-1')).toBeFalsy();
      expect(await sessions.length()).toBe(0);
    });

    it('by default live their idle timeout (5 minutes once decided), never past their absolute lifetime, and roll on a touch', async () => {
      const sessions = sessionsOf(await openStores());
      await sessions.set('active', sessionData({ flow: 'f' }));
      await sessions.set('decided', sessionData({ result: 'r', idleTimeoutMs: 300_000 }));
      // Created 1 h 50 min ago: 10 minutes of its absolute lifetime left.
      await sessions.set('old', sessionData({ flow: 'f', createdAt: clock - 6_600_000 }));
      await sessions.set('too-old', sessionData({ flow: 'f', createdAt: clock - 7_200_000 }));
      expect(await sessions.get('too-old')).toBeFalsy();
      clock += 299_999;
      expect(await sessions.get('decided')).toBeTruthy();
      clock += 1;
      expect(await sessions.get('decided')).toBeFalsy();
      // A touch 25 minutes in gives the active session its 30 minutes again, the old one not.
      clock += 1_200_000;
      await sessions.touch('active', sessionData({ flow: 'f' }));
      await sessions.touch(
        'old',
        sessionData({ flow: 'f', createdAt: clock - 1_500_000 - 6_600_000 }),
      );
      clock += 600_000;
      expect(await sessions.get('active')).toMatchObject({ flow: 'f' });
      expect(await sessions.get('old')).toBeFalsy();
      clock += 1_799_999;
      expect(await sessions.get('active')).toBeFalsy();
    });

    it("expire at the cookie's own expiry when it has one", async () => {
      const sessions = sessionsOf(await openStores({ sessionTtlMs: 1_000 }));
      await sessions.set('sid-1', sessionData({ flow: 'f' }, new Date(clock + 60_000)));
      clock += 59_999;
      expect(await sessions.get('sid-1')).toMatchObject({ flow: 'f' });
      clock += 1;
      expect(await sessions.get('sid-1')).toBeFalsy();
    });

    it('live longer after a touch, with the refreshed cookie stored', async () => {
      const sessions = sessionsOf(await openStores());
      await sessions.set('sid-1', sessionData({ flow: 'f' }, new Date(clock + 10_000)));
      clock += 5_000;
      const refreshed = new Date(clock + 10_000);
      await sessions.touch('sid-1', sessionData({ flow: 'ignored' }, refreshed));
      clock += 9_000;
      const got = await sessions.get('sid-1');
      expect(got).toMatchObject({ flow: 'f' });
      expect(new Date(got!.cookie.expires!).getTime()).toBe(refreshed.getTime());
    });

    it('skip the write when a touch would extend the session by a mere moment', async () => {
      const sessions = sessionsOf(await openStores());
      const stored = new Date(clock + 30 * 60_000);
      await sessions.set('sid-1', sessionData({ flow: 'f' }, stored));
      clock += 2_000;
      await sessions.touch('sid-1', sessionData({ flow: 'f' }, new Date(clock + 30 * 60_000)));
      expect(new Date((await sessions.get('sid-1'))!.cookie.expires!).getTime()).toBe(
        stored.getTime(),
      );
      clock += 60_000;
      const later = new Date(clock + 30 * 60_000);
      await sessions.touch('sid-1', sessionData({ flow: 'f' }, later));
      expect(new Date((await sessions.get('sid-1'))!.cookie.expires!).getTime()).toBe(
        later.getTime(),
      );
    });

    it('still take a touch on a session another process shortened since this one wrote it', async () => {
      const here = sessionsOf(await openStores());
      const other = sessionsOf(await openStores());
      await here.set('sid-1', sessionData({ flow: 'f' }, new Date(clock + 30 * 60_000)));
      clock += 1_000;
      await other.set('sid-1', sessionData({ result: 'r' }, new Date(clock + 5 * 60_000)));
      clock += 4 * 60_000;
      const refreshed = new Date(clock + 5 * 60_000);
      await here.touch('sid-1', sessionData({ result: 'r' }, refreshed));
      clock += 4 * 60_000;
      const got = await here.get('sid-1');
      expect(got).toMatchObject({ result: 'r' });
      expect(new Date(got!.cookie.expires!).getTime()).toBe(refreshed.getTime());
    });

    it('cannot be revived by touching an expired one', async () => {
      const sessions = sessionsOf(await openStores({ sessionTtlMs: 1_000 }));
      await sessions.set('sid-1', sessionData({ flow: 'f' }));
      clock += 2_000;
      await sessions.touch('sid-1', sessionData({ flow: 'f' }));
      expect(await sessions.get('sid-1')).toBeFalsy();
    });

    it('are pruned from the file on start and on the interval', async () => {
      const first = await openStores({ sessionTtlMs: 1_000 });
      await sessionsOf(first).set('sid-old', sessionData({ n: 1 }));
      await sessionsOf(first).set('sid-new', sessionData({ n: 2 }, new Date(clock + 60_000)));
      await first.close();
      expect(rowCount(dataDir, 'sessions')).toBe(2);

      clock += 5_000;
      const second = await createStores({ dataDir, now, sqlitePruneIntervalMs: 20 });
      open.push(second);
      expect(rowCount(dataDir, 'sessions')).toBe(1);

      clock += 60_000;
      await expect.poll(() => rowCount(dataDir, 'sessions'), { timeout: 2_000 }).toBe(0);
    });
  });

  it('keeps sessions and approvals across a restart on the same file', async () => {
    const first = await openStores();
    const record = approval('tr-keep');
    await first.approvals.createIfAbsent(record);
    await sessionsOf(first).set('sid-keep', sessionData({ flow: { id: 'flow-9' } }));
    await first.close();

    const second = await openStores();
    expect(await second.approvals.get('tr-keep')).toEqual(record);
    expect(await second.approvals.createIfAbsent(approval('tr-keep'))).toBe(false);
    expect(await sessionsOf(second).get('sid-keep')).toMatchObject({ flow: { id: 'flow-9' } });
  });

  it('keeps what was written before the process was killed (SIGKILL, no close)', async () => {
    const storeModule = pathToFileURL(
      resolve(import.meta.dirname, '../../src/store/create-stores.ts'),
    ).href;
    const record = approval('tr-crash');
    const script = `
      import session from 'express-session';
      const { createStores } = await import(${JSON.stringify(storeModule)});
      const stores = await createStores({ dataDir: ${JSON.stringify(dataDir)} });
      await stores.approvals.createIfAbsent(${JSON.stringify(record)});
      const cookie = new session.Cookie();
      cookie.expires = new Date(Date.now() + 3600000);
      await new Promise((ok, fail) =>
        stores.sessionStore.set('sid-crash', { cookie, flow: 'in-progress' }, (e) => (e ? fail(e) : ok())));
      process.stdout.write('written\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: resolve(import.meta.dirname, '../..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('written') && ok());
      child.once('exit', (code) => fail(new Error(`child exited ${code}: ${stderr}`)));
    });
    const exited = new Promise((ok) => child.once('exit', (_code, signal) => ok(signal)));
    process.kill(child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const reopened = await createStores({ dataDir });
    open.push(reopened);
    expect(await reopened.approvals.get('tr-crash')).toEqual(record);
    expect(await sessionsOf(reopened).get('sid-crash')).toMatchObject({ flow: 'in-progress' });
  });

  it('records a transfer once when two stores on one file race for it', async () => {
    const a = await openStores();
    const b = await openStores();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).approvals.createIfAbsent(approval('tr-race')),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(rowCount(dataDir, 'approvals')).toBe(1);
    expect(await a.approvals.get('tr-race')).toEqual(await b.approvals.get('tr-race'));
  });

  it('reports not ok once closed, and close twice is harmless', async () => {
    const stores = await openStores();
    await expect(stores.approvals.health()).resolves.toEqual({ ok: true, kind: 'sqlite' });
    await stores.close();
    await stores.close();
    await expect(stores.approvals.health()).resolves.toMatchObject({ ok: false, kind: 'sqlite' });
  });

  describe('with express-session', () => {
    afterEach(closeSessionApps);

    it('reads in the next request what one request stored, also from a second app on the file', async () => {
      clock = Date.now(); // the cookie's expiry is set from the real clock by express-session
      const one = await startSessionApp((await openStores()).sessionStore);
      const two = await startSessionApp((await openStores()).sessionStore);

      const started = await request(one).post('/flow?id=flow-42').expect(204);
      const cookie = started.headers['set-cookie']![0]!.split(';')[0]!;
      expect(cookie).toMatch(/^connect\.sid=/);

      await request(one).get('/flow').set('Cookie', cookie).expect(200, { flowId: 'flow-42' });
      await request(two).get('/flow').set('Cookie', cookie).expect(200, { flowId: 'flow-42' });
      await request(two).get('/flow').expect(200, { flowId: null });
    });

    it('answer at once, so that express-session sends a page in one write, not two', async () => {
      clock = Date.now();
      const url = await startSessionApp((await openStores()).sessionStore);
      const started = await request(url).post('/flow?id=flow-7').expect(204);
      const cookie = started.headers['set-cookie']![0]!.split(';')[0]!;
      // An answer on a later tick makes express-session write the head and all but the last
      // byte, then the last byte: two segments on the wire for every page.
      const chunks = await rawChunks(
        url,
        `GET /flow HTTP/1.1\r\nHost: t\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
      );
      expect(chunks.join('')).toMatch(/^HTTP\/1\.1 200[\s\S]*\{"flowId":"flow-7"\}$/);
      expect(chunks).toHaveLength(1);
    });
  });
});

/** Sends a raw request and answers what arrived, one string per socket read. */
function rawChunks(url: string, raw: string): Promise<string[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => chunks.push(chunk));
    socket.on('end', () => resolve(chunks));
    socket.on('error', reject);
  });
}
