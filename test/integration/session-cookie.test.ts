import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SESSION_ABSOLUTE_TIMEOUT_MS } from '../../src/approval/session-lifetime.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';
import { otpFromOutbox, startApproval, uniqueTransfer } from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { startProvisionedEmulator } from '../../scripts/soak/provisioned-emulator.js';
import { appsOnOneEmulator } from '../helpers/emulator-apps.js';

/**
 * Issue 24, item 4: the session cookie on the wire (`__Host-` over https, a browser-session
 * cookie), its absolute lifetime beside the idle timeout (an injected clock), and the first
 * page's signed form cookie, which stores nothing.
 */
const apps = appsOnOneEmulator();
const sms = () => apps.pingone.emulator.handle.sms(apps.pingone.phone);
const otpFor = otpFromOutbox(sms);

function instance(env: Record<string, string>, stores?: Stores, now?: () => Date) {
  return apps.app(env, { ...(stores ? { stores } : {}), ...(now ? { deps: { now } } : {}) });
}

/** The Set-Cookie header named `name`, split into its attributes (lower-cased names). */
function cookieNamed(headers: Headers, name: string) {
  const line = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [, ...attributes] = line.split(';').map((part) => part.trim());
  return attributes.map((a) => a.split('=')[0]!.toLowerCase());
}

describe('the session cookie', () => {
  it('over https: __Host-txa.sid, Secure, Path=/, no Domain, no Expires or Max-Age', async () => {
    // PingOne must know the https redirect URI: an emulator provisioned for it.
    const bank = await startProvisionedEmulator({ baseUrl: 'https://bank.example' });
    apps.onClose(() => bank.emulator.close());
    const app = await instance({ ...bank.env, TRUST_PROXY: 'loopback' });
    const bankOtp = otpFromOutbox(() => bank.emulator.handle.sms(bank.phone));
    const https = { 'x-forwarded-proto': 'https' };
    const browser = new Browser(app.url);
    const form = await browser.get('/', https);
    // The first page: only the signed form cookie, with the same rules.
    expect(cookieNamed(form.headers, '__Host-txa.sid')).toBeUndefined();
    const formCookie = cookieNamed(form.headers, '__Host-txa.form');
    expect(formCookie).toEqual(expect.arrayContaining(['path', 'httponly', 'secure', 'samesite']));
    const transfer = uniqueTransfer(1);
    const started = await browser.post(
      '/approvals',
      { ...transfer, _csrf: csrfOf(form.text) },
      https,
    );
    expect(started.location).toBe('/approvals/otp');
    const session = cookieNamed(started.headers, '__Host-txa.sid');
    expect(session).toEqual(expect.arrayContaining(['path', 'httponly', 'secure', 'samesite']));
    expect(started.headers.getSetCookie().join('\n')).toMatch(/__Host-txa\.sid=[^;]+; Path=\/;/);
    for (const attributes of [formCookie, session]) {
      expect(attributes).not.toContain('expires');
      expect(attributes).not.toContain('max-age');
      expect(attributes).not.toContain('domain');
    }
    // The id rotated when the approval completed: still a browser-session cookie.
    const codePage = await browser.get('/approvals/otp', https);
    const done = await browser.post(
      '/approvals/otp',
      { otp: await bankOtp(transfer), _csrf: csrfOf(codePage.text) },
      https,
    );
    expect(done.location).toBe('/approvals/result');
    const rotated = cookieNamed(done.headers, '__Host-txa.sid');
    expect(rotated).toBeDefined();
    expect(rotated).not.toContain('expires');
    expect((await browser.get('/approvals/result', https)).text).toContain('Transfer approved');
  });

  it('over http: txa.sid, not Secure, no Expires', async () => {
    const app = await instance({});
    const browser = new Browser(app.url);
    const form = await browser.get('/');
    const started = await browser.post('/approvals', {
      ...uniqueTransfer(2),
      _csrf: csrfOf(form.text),
    });
    const session = cookieNamed(started.headers, 'txa.sid');
    expect(session).toEqual(expect.arrayContaining(['path', 'httponly', 'samesite']));
    expect(session).not.toContain('secure');
    expect(session).not.toContain('expires');
  });
});

describe('the absolute lifetime', () => {
  let clock = Date.now();
  const now = () => new Date(clock);

  /** A session kept busy (a request every 25 minutes) until its absolute lifetime has passed. */
  async function keptBusy(stores: Stores) {
    const app = await instance({}, stores, now);
    const browser = new Browser(app.url);
    const transfer = uniqueTransfer(3);
    const codePage = await startApproval(browser, transfer);
    const seen: number[] = [];
    for (let minutes = 25; minutes <= 100; minutes += 25) {
      clock += 25 * 60_000;
      seen.push((await browser.get('/approvals/otp')).status);
    }
    clock += SESSION_ABSOLUTE_TIMEOUT_MS - 100 * 60_000 + 60_000;
    const late = await browser.post('/approvals/otp', {
      otp: await otpFor(transfer),
      _csrf: csrfOf(codePage.text),
    });
    return { seen, late };
  }

  it('ends a session however busy, as an idle timeout would (memory store)', async () => {
    clock = Date.now();
    const { seen, late } = await keptBusy(await createStores());
    expect(seen).toEqual([200, 200, 200, 200]);
    expect(late.status).toBe(303);
    expect(late.location).toBe('/?notice=session-expired');
  });

  it('and the SQLite row goes with it', async () => {
    clock = Date.now();
    const dataDir = mkdtempSync(join(tmpdir(), 'txa-absolute-'));
    apps.onClose(async () => rmSync(dataDir, { recursive: true, force: true }));
    const stores = await createStores({ dataDir, now: () => clock });
    const { seen, late } = await keptBusy(stores);
    expect(seen).toEqual([200, 200, 200, 200]);
    expect(late.location).toBe('/?notice=session-expired');
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const live = db.prepare('SELECT count(*) AS n FROM sessions WHERE expires_at > ?');
      expect((live.get(clock) as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('the first page stores nothing', () => {
  it('over plain HTTP with an https BASE_URL: no cookie, no row, and its form says "session expired"', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'txa-plain-'));
    apps.onClose(async () => rmSync(dataDir, { recursive: true, force: true }));
    const stores = await createStores({ dataDir });
    const app = await instance({ BASE_URL: 'https://bank.example' }, stores);
    const visitors = Array.from({ length: 200 }, () => new Browser(app.url));
    const pages = [];
    for (const visitor of visitors) pages.push(await visitor.get('/'));
    expect(pages.every((page) => page.status === 200)).toBe(true);
    expect(pages.flatMap((page) => page.headers.getSetCookie())).toEqual([]);
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
    const sent = await visitors[0]!.post('/approvals', {
      ...uniqueTransfer(4),
      _csrf: csrfOf(pages[0]!.text),
    });
    expect(sent.location).toBe('/?notice=session-expired');
  });

  it("refuses another browser's form token, a tampered cookie and an expired one", async () => {
    let clock = Date.now();
    const app = await instance({}, undefined, () => new Date(clock));
    const mine = new Browser(app.url);
    const theirs = new Browser(app.url);
    const myForm = await mine.get('/');
    const theirForm = await theirs.get('/');
    const before = sms().length;
    // Their token with my cookie: a forgery (403), nothing texted.
    const foreign = await mine.post('/approvals', {
      ...uniqueTransfer(5),
      _csrf: csrfOf(theirForm.text),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('CSRF_FAILED');
    // A cookie whose signature does not match is no cookie at all: back to the start.
    const [id, issued] = /txa\.form=([^.;]+)\.([^.;]+)\./.exec(mine.cookieHeader())!.slice(1);
    const tampered = new Browser(app.url);
    tampered.setCookie('txa.form', `${id}.${issued}.${'A'.repeat(43)}`);
    const forged = await tampered.post('/approvals', {
      ...uniqueTransfer(6),
      _csrf: csrfOf(myForm.text),
    });
    expect(forged.location).toBe('/?notice=session-expired');
    // Past the idle timeout the form cookie is expired like a session would be.
    clock += 31 * 60_000;
    const late = await mine.post('/approvals', {
      ...uniqueTransfer(7),
      _csrf: csrfOf(myForm.text),
    });
    expect(late.location).toBe('/?notice=session-expired');
    expect(sms()).toHaveLength(before);
    // The same browser, back on the form: a fresh cookie, and its form works.
    const fresh = await mine.get('/');
    const started = await mine.post('/approvals', {
      ...uniqueTransfer(8),
      _csrf: csrfOf(fresh.text),
    });
    expect(started.location).toBe('/approvals/otp');
  });

  it("a second tab's first-page form still starts a transfer after the first tab's did", async () => {
    const app = await instance({});
    const browser = new Browser(app.url);
    const tabOne = await browser.get('/');
    const tabTwo = await browser.get('/');
    const one = await browser.post('/approvals', {
      ...uniqueTransfer(9),
      _csrf: csrfOf(tabOne.text),
    });
    expect(one.location).toBe('/approvals/otp');
    const two = await browser.post('/approvals', {
      ...uniqueTransfer(10),
      _csrf: csrfOf(tabTwo.text),
    });
    expect(two.location).toBe('/approvals/otp');
  });
});
