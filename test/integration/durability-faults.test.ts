import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import {
  approveTransfer,
  otpFromOutbox,
  startApproval,
  uniqueTransfer,
} from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import { AS_OPERATOR, listenApp, type ListeningApp } from '../helpers/durable-app.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Faults of the durable layer. The PingOne side (latency, 500, 429, dropped connection at
 * authorize, otp.check, resume and token) is test/integration/app-pingone-faults.test.ts; here:
 * Redis lost at runtime, and a PingOne fault whose retry lands on the other instance.
 */
const pingone = await pingoneForFile();
let redis: RedisTestServer;
let proxy: TcpProxy;
const stores: Stores[] = [];
const apps: ListeningApp[] = [];

beforeAll(async () => {
  redis = await startRedisServer({ own: true });
  proxy = await startTcpProxy(Number(new URL(redis.url).port));
  for (let i = 0; i < 2; i++) {
    const s = await createStores({
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      redisKeyPrefix: redis.keyPrefix,
    });
    stores.push(s);
    apps.push(await listenApp(pingone.env, s, { retry: { maxAttempts: 1 } }));
  }
});

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const s of stores) await s.close();
  await proxy?.close();
  await redis?.stop();
});

const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));

async function health(url: string) {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; store: unknown } };
}

async function waitHealthy(url: string): Promise<void> {
  // The client reconnects with backoff (at most 5 s between attempts).
  for (let i = 0; i < 100; i++) {
    if ((await health(url)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the store did not come back');
}

describe('Redis lost at runtime', () => {
  it('answers 503 STORE_UNAVAILABLE (page and JSON), never a 500, and the same flow continues once Redis is back', async () => {
    const app = apps[0]!;
    const browser = new Browser(app.url);
    const transfer = uniqueTransfer(1);
    const codePage = await startApproval(browser, transfer);
    expect(codePage.status).toBe(200);
    const otp = await otpFor(transfer);

    await proxy.cut();
    const lost = await browser.post('/approvals/otp', { otp, _csrf: csrfOf(codePage.text) });
    expect(lost.status).toBe(503);
    expect(lost.text).toContain('STORE_UNAVAILABLE');
    expect(lost.text).toContain('Recent approvals');
    expect(lost.headers.get('retry-after')).toBe('5');
    expect(lost.headers.get('cache-control')).toBe('no-store');
    expect(lost.text).not.toMatch(/at .+\.(ts|js):\d+/);

    const json = await browser.get('/approvals', { ...AS_OPERATOR, accept: 'application/json' });
    expect(json.status).toBe(503);
    expect(JSON.parse(json.text)).toEqual({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('try again') },
    });
    // A first visit needs no store (its CSRF token is stateless); sending its form does, and
    // answers 503 before anything is texted.
    const visitor = new Browser(app.url);
    const fresh = await visitor.get('/');
    expect(fresh.status).toBe(200);
    const texted = pingone.emulator.handle.sms(pingone.phone).length;
    const sent = await visitor.post('/approvals', {
      ...uniqueTransfer(9),
      _csrf: csrfOf(fresh.text),
    });
    expect(sent.status).toBe(503);
    expect(sent.text).toContain('STORE_UNAVAILABLE');
    expect(pingone.emulator.handle.sms(pingone.phone)).toHaveLength(texted);
    const down = await health(app.url);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'degraded', store: { ok: false, kind: 'redis' } });

    await proxy.restore();
    await waitHealthy(app.url);
    // Nothing was lost: the flow, its PingOne cookies and the transfer were in Redis all along.
    const again = await browser.get('/approvals/otp');
    expect(again.status).toBe(200);
    const done = await browser.post('/approvals/otp', { otp, _csrf: csrfOf(again.text) });
    expect(done.location).toBe('/approvals/result');
    const result = await browser.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    expect(result.text).toContain(transfer.payee);
    expect(await stores[0]!.approvals.listRecent(100)).toHaveLength(1);
  });
});

describe('a PingOne fault and its retry on another instance', () => {
  it('token fails (500) on one instance; "try again" on the other approves once', async () => {
    await waitHealthy(apps[1]!.url);
    const [a, b] = apps as [ListeningApp, ListeningApp];
    const before = (await stores[0]!.approvals.listRecent(100)).length;
    const env = pingone.emulator.environmentId;
    const browser = new Browser(a.url);
    const transfer = uniqueTransfer(2);
    const form = await browser.get('/');
    await browser.post('/approvals', { ...transfer, _csrf: csrfOf(form.text) });
    const codePage = await browser.get('/approvals/otp');
    pingone.emulator.handle.addFault({
      path: `/${env}/as/token`,
      method: 'POST',
      status: 500,
      body: { id: 'e5000000-0000-4000-8000-00000000d500', code: 'UNEXPECTED_ERROR', message: 'x' },
    });
    const failed = await browser.post('/approvals/otp', {
      otp: await otpFor(transfer),
      _csrf: csrfOf(codePage.text),
    });
    expect(failed.status).toBe(502);
    expect(failed.text).toContain('(token)');
    expect(failed.text).toContain('e5000000-0000-4000-8000-00000000d500');
    expect(await stores[0]!.approvals.listRecent(100)).toHaveLength(before);

    browser.baseUrl = b.url;
    const retried = await browser.post('/approvals/resend', { _csrf: csrfOf(failed.text) });
    expect(retried.location).toBe('/approvals/otp');
    const run = await approveTransferFromCodePage(browser, transfer);
    expect(run).toContain('Transfer approved');
    expect(await stores[1]!.approvals.listRecent(100)).toHaveLength(before + 1);
  });

  it('the other instance still serves whole approvals', async () => {
    const run = await approveTransfer(new Browser(apps[1]!.url), uniqueTransfer(3), otpFor);
    expect(run.result.text).toContain('Transfer approved');
  });
});

/** From the code page on: the newest code for this transfer, then the result page's text. */
async function approveTransferFromCodePage(
  browser: Browser,
  transfer: ReturnType<typeof uniqueTransfer>,
): Promise<string> {
  const page = await browser.get('/approvals/otp');
  const sent = await browser.post('/approvals/otp', {
    otp: await otpFor(transfer),
    _csrf: csrfOf(page.text),
  });
  expect(sent.location).toBe('/approvals/result');
  return (await browser.get('/approvals/result')).text;
}

describe('SQLite store unusable under a running app', () => {
  it('answers 503 STORE_UNAVAILABLE on pages, JSON and /healthz instead of a 500', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'txa-sqlite-fault-'));
    const sqlite = await createStores({ dataDir: dir });
    const app = await listenApp(pingone.env, sqlite);
    try {
      const browser = new Browser(app.url);
      expect((await startApproval(browser, uniqueTransfer(4))).status).toBe(200);
      const visitor = new Browser(app.url);
      const form = await visitor.get('/');
      // What a shutdown in progress or a lost file handle looks like to the request handlers.
      await sqlite.close();
      for (const page of [
        await browser.get('/'),
        await visitor.post('/approvals', { ...uniqueTransfer(5), _csrf: csrfOf(form.text) }),
        await new Browser(app.url).get('/approvals', AS_OPERATOR),
      ]) {
        expect(page.status).toBe(503);
        expect(page.text).toContain('STORE_UNAVAILABLE');
        expect(page.text).not.toMatch(/at .+\.(ts|js):\d+/);
      }
      const json = await new Browser(app.url).get('/approvals', {
        ...AS_OPERATOR,
        accept: 'application/json',
      });
      expect(JSON.parse(json.text).error.code).toBe('STORE_UNAVAILABLE');
      const down = await health(app.url);
      expect(down.status).toBe(503);
      expect(down.body.store).toEqual({ ok: false, kind: 'sqlite' });
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
