import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { createStores } from '../../src/store/create-stores.js';
import { otpFromOutbox, uniqueTransfer } from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { appsOnOneEmulator } from '../helpers/emulator-apps.js';

/**
 * Issue 24, item 3: the limits count only requests that text a code (a start or "send a new
 * code" from a live session with a valid form) or check one (a well-formed code for a live
 * flow), after the session and CSRF checks. Posts that can do neither used to count: 30
 * cookieless starts from two other addresses earned a real browser a 429, and cookieless code
 * posts a 429 for the person holding the right code. The client address is the one
 * X-Forwarded-For names (TRUST_PROXY=loopback: the test is the proxy).
 */
const LIMITS = {
  RATE_LIMIT_SMS: '5/20/30',
  RATE_LIMIT_CODE: '10/30/60',
  TRUST_PROXY: 'loopback',
};

const apps = appsOnOneEmulator();
const sent = () => apps.pingone.emulator.handle.sms(apps.pingone.phone).length;
const otpFor = otpFromOutbox(() => apps.pingone.emulator.handle.sms(apps.pingone.phone));
const from = (address: string) => ({ 'x-forwarded-for': address });

function instance(env: Record<string, string> = {}, deps: Partial<AppDeps> = {}) {
  return apps.app({ ...LIMITS, ...env }, { deps });
}

/** A POST with no cookie and no CSRF token, as a script sends it. */
async function cookieless(
  url: string,
  path: string,
  form: Record<string, string>,
  address: string,
) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...from(address) },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

/** A start from a fresh browser at `address`: the form, then sending it. */
async function start(
  url: string,
  address: string,
  i: number,
  headers: Record<string, string> = {},
) {
  const browser = new Browser(url);
  const transfer = uniqueTransfer(i);
  const form = await browser.get('/', { ...from(address), ...headers });
  const page = await browser.post(
    '/approvals',
    { ...transfer, _csrf: csrfOf(form.text) },
    { ...from(address), ...headers },
  );
  return { browser, page, transfer };
}

describe('what the SMS limits count', () => {
  it('30 cookieless POST /approvals from two other addresses leave a real browser its allowance', async () => {
    const app = await instance();
    const before = sent();
    for (let i = 0; i < 30; i++) {
      const answer = await cookieless(
        app.url,
        '/approvals',
        { ...uniqueTransfer(i) },
        `203.0.113.${1 + (i % 2)}`,
      );
      expect(answer).toEqual({ status: 303, location: '/?notice=session-expired' });
    }
    expect(sent()).toBe(before);
    const { page } = await start(app.url, '198.51.100.7', 100);
    expect(page.status).toBe(303);
    expect(page.location).toBe('/approvals/otp');
    expect(sent()).toBe(before + 1);
  });

  it('an invalid form, a forged token and "send a new code" with nothing pending count nothing', async () => {
    const app = await instance();
    const browser = new Browser(app.url);
    const form = await browser.get('/');
    const csrf = csrfOf(form.text);
    for (let i = 0; i < 6; i++) {
      const invalid = await browser.post('/approvals', {
        amount: 'lots',
        currency: 'EUR',
        payee: 'X',
        _csrf: csrf,
      });
      expect(invalid.status).toBe(400);
      const forged = await browser.post('/approvals', {
        ...uniqueTransfer(200 + i),
        _csrf: 'forged',
      });
      expect(forged.status).toBe(403);
      const resend = await browser.post('/approvals/resend', { _csrf: csrf });
      expect(resend.location).toBe('/?notice=no-approval');
    }
    // The browser's 5 are all still there.
    const before = sent();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await browser.get('/');
      statuses.push(
        (await browser.post('/approvals', { ...uniqueTransfer(210 + i), _csrf: csrfOf(page.text) }))
          .status,
      );
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    expect(sent()).toBe(before + 5);
  });
});

describe('what the code limits count', () => {
  it('60 cookieless and flowless code posts do not cost the person holding the right code', async () => {
    const app = await instance();
    for (let i = 0; i < 60; i++) {
      const answer = await cookieless(
        app.url,
        '/approvals/otp',
        { otp: '123456' },
        `203.0.113.${1 + (i % 2)}`,
      );
      expect(answer.location).toBe('/?notice=session-expired');
    }
    // A browser with a session but no flow, and malformed codes: nothing to check either.
    const idle = new Browser(app.url);
    const idleForm = await idle.get('/');
    for (let i = 0; i < 12; i++) {
      const answer = await idle.post('/approvals/otp', {
        otp: '123456',
        _csrf: csrfOf(idleForm.text),
      });
      expect(answer.location).toBe('/?notice=no-approval');
    }
    const { browser, page, transfer } = await start(app.url, '198.51.100.7', 300);
    expect(page.location).toBe('/approvals/otp');
    const codePage = await browser.get('/approvals/otp');
    for (let i = 0; i < 12; i++) {
      const malformed = await browser.post(
        '/approvals/otp',
        { otp: 'abc', _csrf: csrfOf(codePage.text) },
        from('198.51.100.7'),
      );
      expect(malformed.status).toBe(400);
    }
    const done = await browser.post(
      '/approvals/otp',
      { otp: await otpFor(transfer), _csrf: csrfOf(codePage.text) },
      from('198.51.100.7'),
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe('/approvals/result');
  });
});

describe('the keys', () => {
  it("the user counter is the approval subject's: another customer keeps an allowance of their own", async () => {
    const stores = await createStores();
    // The seam a bank wires its signed-in customer into; here a header stands for that.
    const approvalSubject = (req: { get(name: string): string | undefined }) =>
      req.get('x-customer') ?? apps.pingone.env.PINGONE_USERNAME!;
    const app = await apps.app(
      { ...LIMITS, RATE_LIMIT_SMS: '100/100/2' },
      { stores, deps: { approvalSubject } },
    );
    // Customer one, by username: approved once (its record names PingOne's id for the user).
    const first = await start(app.url, '198.51.100.1', 400);
    const codePage = await first.browser.get('/approvals/otp');
    await first.browser.post('/approvals/otp', {
      otp: await otpFor(first.transfer),
      _csrf: csrfOf(codePage.text),
    });
    const [record] = await stores.approvals.listRecent(1);
    expect(record?.payee).toBe(first.transfer.payee);
    expect((await start(app.url, '198.51.100.2', 401)).page.location).toBe('/approvals/otp');
    const third = await start(app.url, '198.51.100.3', 402);
    expect(third.page.status).toBe(429);
    expect(third.page.text).toContain('TOO_MANY_CODES_SENT');
    // Another subject (PingOne's id of the user, a different `sub`): its own counter.
    const other = { 'x-customer': record!.evidence.sub };
    const before = sent();
    expect((await start(app.url, '198.51.100.4', 403, other)).page.location).toBe('/approvals/otp');
    expect((await start(app.url, '198.51.100.5', 404, other)).page.location).toBe('/approvals/otp');
    expect((await start(app.url, '198.51.100.6', 405, other)).page.status).toBe(429);
    expect(sent()).toBe(before + 2);
  });

  it('the environment budget stops a flood from many addresses and browsers', async () => {
    const app = await instance({ RATE_LIMIT_SMS: '100/100/100', RATE_LIMIT_SMS_ENVIRONMENT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await start(app.url, `192.0.2.${i + 1}`, 500 + i)).page.status);
    expect(statuses).toEqual([303, 303, 303, 429, 429]);
  });

  it('an address counter holds across fresh browsers; another address is counted apart', async () => {
    const app = await instance({ RATE_LIMIT_SMS: '100/2/100' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await start(app.url, '192.0.2.50', 600 + i)).page.status);
    statuses.push((await start(app.url, '192.0.2.51', 603)).page.status);
    // IPv6 by its /56: another address in the same /56 is the same client.
    statuses.push((await start(app.url, '2001:db8:0:1::1', 604)).page.status);
    statuses.push((await start(app.url, '2001:db8:0:1::2', 605)).page.status);
    statuses.push((await start(app.url, '2001:db8:0:ff::3', 606)).page.status);
    expect(statuses).toEqual([303, 303, 429, 303, 303, 303, 429]);
  });
});

describe('the audit trail', () => {
  it('rate-limit and CSRF log lines name the client address and user agent', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const app = await instance(
      { RATE_LIMIT_SMS: '1/100/100' },
      { logger: createLogger({ level: 'info', destination }) },
    );
    const agent = { 'user-agent': `Audit/1.0 ${'x'.repeat(1000)}` };
    const browser = new Browser(app.url);
    const form = await browser.get('/', { ...from('192.0.2.77'), ...agent });
    await browser.post(
      '/approvals',
      { ...uniqueTransfer(700), _csrf: csrfOf(form.text) },
      { ...from('192.0.2.77'), ...agent },
    );
    const again = await browser.get('/', { ...from('192.0.2.77'), ...agent });
    const limited = await browser.post(
      '/approvals',
      { ...uniqueTransfer(701), _csrf: csrfOf(again.text) },
      { ...from('192.0.2.77'), ...agent },
    );
    expect(limited.status).toBe(429);
    const forged = await browser.post(
      '/approvals',
      { ...uniqueTransfer(702), _csrf: 'forged' },
      { ...from('192.0.2.78'), ...agent },
    );
    expect(forged.status).toBe(403);
    const events = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const rate = events.find((e) => e.event === 'rate.limited');
    const csrf = events.find((e) => e.event === 'csrf.failed');
    expect(rate).toMatchObject({ clientAddress: '192.0.2.77', scope: 'browser', action: 'sms' });
    expect(csrf).toMatchObject({ clientAddress: '192.0.2.78' });
    for (const line of [rate, csrf]) {
      expect(String(line?.userAgent)).toMatch(/^Audit\/1\.0 x+$/);
      expect(String(line?.userAgent).length).toBe(200);
    }
  });
});
