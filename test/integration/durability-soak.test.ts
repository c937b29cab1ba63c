import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FINISHED_SESSION_IDLE_TIMEOUT_MS,
  SESSION_IDLE_TIMEOUT_MS,
} from '../../src/approval/session-lifetime.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';
import type { SqliteSessionStore } from '../../src/store/sqlite-session-store.js';
import {
  approveTransfer,
  otpFromOutbox,
  runPool,
  startApproval,
  uniqueTransfer,
} from '../../scripts/soak/approve.js';
import { Browser } from '../../scripts/soak/browser.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';
import { runSoak } from '../../scripts/soak/run-soak.js';
import { listenApp, type ListeningApp } from '../helpers/durable-app.js';

/**
 * The soak (scripts/soak.ts runs 10,000) at CI size, and why the session table stays bounded:
 * a browser keeps one session row however many transfers it approves (a new flow regenerates
 * the session, deleting the old row), and a decided approval's session expires within minutes
 * and is pruned.
 */
describe('soak at CI size (the scripts/soak.ts code path)', () => {
  it('200 approvals by 10 browsers through one app process: all recorded, 10 session rows', async () => {
    const result = await runSoak({ approvals: 200, users: 10 });
    expect(result.failures).toBe(0);
    expect(result.approvals).toBe(200);
    expect(result.end.sessionRows).toBe(10);
    expect(result.peakSessionRows).toBeLessThanOrEqual(10);
  }, 180_000);
});

describe('session rows of browsers that come once', () => {
  let pingone: ProvisionedEmulator;
  let dataDir: string;
  let stores: Stores;
  let app: ListeningApp;
  let db: Database.Database;
  let offsetMs = 0;

  beforeAll(async () => {
    pingone = await startProvisionedEmulator();
    dataDir = mkdtempSync(join(tmpdir(), 'txa-sessions-'));
    // The store's clock decides expiry and pruning; moving it stands in for waiting.
    stores = await createStores({ dataDir, now: () => Date.now() + offsetMs });
    app = await listenApp(pingone.env, stores);
    db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await app?.close();
    await stores?.close();
    await pingone?.emulator.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = () => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!.n;
  const prune = () => (stores.sessionStore as SqliteSessionStore).prune();

  it('a decided approval keeps its row minutes, a code page left open 30 minutes, a form only looked at none', async () => {
    const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));
    const approved = await runPool(60, 10, (i) =>
      approveTransfer(new Browser(app.url), uniqueTransfer(i), otpFor),
    );
    expect(approved.every((r) => r.result.text.includes('Transfer approved'))).toBe(true);
    // Visitors who only opened the form: nothing stored.
    await runPool(15, 5, async () => (await new Browser(app.url).get('/')).status);
    expect(rows()).toBe(60);
    // Visitors who sent it and left at the code page.
    await runPool(15, 5, (i) => startApproval(new Browser(app.url), uniqueTransfer(500 + i)));
    expect(rows()).toBe(75);

    offsetMs = FINISHED_SESSION_IDLE_TIMEOUT_MS + 60_000;
    expect(prune()).toBe(60);
    expect(rows()).toBe(15);

    offsetMs = SESSION_IDLE_TIMEOUT_MS + 60_000;
    expect(prune()).toBe(15);
    expect(rows()).toBe(0);
  }, 120_000);

  it('one browser approving 20 transfers in a row keeps one row; going back to the form renews it', async () => {
    offsetMs = 0;
    const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));
    const before = rows();
    const browser = new Browser(app.url);
    for (let i = 0; i < 20; i++) {
      const run = await approveTransfer(browser, uniqueTransfer(1000 + i), otpFor);
      expect(run.result.text).toContain('Transfer approved');
    }
    expect(rows()).toBe(before + 1);
    // The finished session is short-lived; opening the form again gives it the full lifetime,
    // so someone who takes their time over the next transfer is not sent back to the start.
    // A browser-session cookie: the lifetime is the store's, never an Expires in the cookie.
    const form = await browser.get('/');
    expect(form.headers.get('set-cookie') ?? '').not.toMatch(/Expires=|Max-Age=/i);
    offsetMs = FINISHED_SESSION_IDLE_TIMEOUT_MS + 60_000;
    prune();
    expect(rows()).toBe(before + 1);
    expect((await browser.get('/approvals/result')).location).toBe('/?notice=no-approval');
  }, 120_000);
});
