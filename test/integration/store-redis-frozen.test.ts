import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveTransfer,
  otpFromOutbox,
  startApproval,
  uniqueTransfer,
} from '../../scripts/soak/approve.js';
import { Browser, csrfOf, type Page } from '../../scripts/soak/browser.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { listenApp, type ListeningApp } from '../helpers/durable-app.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';

/**
 * A redis-server that stops answering without closing anything (`kill -STOP`: a stalled VM, a
 * server stuck in a long command). Every store call must give up at its deadline with 503, and
 * the approval a person was told had failed must not be recorded when the server wakes up.
 */
const DEADLINE_MS = 1_500;
/** A request that hangs fails the test here instead of at vitest's timeout. */
const GIVE_UP_MS = 20_000;

const pingone = await pingoneForFile();
let redis: RedisTestServer;
let stores: Stores;
let app: ListeningApp;
let frozen = false;

beforeAll(async () => {
  redis = await startRedisServer({ own: true });
  stores = await createStores({
    redisUrl: redis.url,
    redisKeyPrefix: redis.keyPrefix,
    redisCommandTimeoutMs: DEADLINE_MS,
  });
  app = await listenApp(pingone.env, stores, { retry: { maxAttempts: 1 } });
});

afterAll(async () => {
  if (frozen) process.kill(redis.pid!, 'SIGCONT');
  await app?.close();
  await stores?.close();
  await redis?.stop();
});

const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));

function freeze(): void {
  process.kill(redis.pid!, 'SIGSTOP');
  frozen = true;
}

function thaw(): void {
  process.kill(redis.pid!, 'SIGCONT');
  frozen = false;
}

async function timed(work: () => Promise<Page>): Promise<Page & { ms: number }> {
  const start = performance.now();
  const page = await work();
  return { ...page, ms: performance.now() - start };
}

async function healthz(): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  const res = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(GIVE_UP_MS) });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - start };
}

describe('a frozen redis-server (SIGSTOP)', () => {
  it('every request answers 503 within its deadline; the code sent meanwhile is never recorded; SIGCONT recovers', async () => {
    expect(redis.pid).toBeTypeOf('number');
    const browser = new Browser(app.url);
    const transfer = uniqueTransfer(1);
    const codePage = await startApproval(browser, transfer);
    expect(codePage.status).toBe(200);
    const otp = await otpFor(transfer);

    // PingOne answers the token call slowly; Redis freezes while it waits, so the approval
    // record is the command that meets the frozen server.
    pingone.emulator.handle.addFault({
      path: `/${pingone.emulator.environmentId}/as/token`,
      method: 'POST',
      latencyMs: 3_000,
    });
    const submitted = timed(() =>
      browser.request('POST', '/approvals/otp', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ otp, _csrf: csrfOf(codePage.text) }).toString(),
        signal: AbortSignal.timeout(GIVE_UP_MS),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    freeze();

    const failed = await submitted;
    expect(failed.status).toBe(503);
    expect(failed.text).toContain('STORE_UNAVAILABLE');
    expect(failed.ms).toBeLessThan(3_000 + DEADLINE_MS + 5_000);

    // Readiness says so instead of hanging; a new visitor gets the form (it needs no store),
    // and sending it the 503 page.
    const health = await healthz();
    expect(health.status).toBe(503);
    expect(health.ms).toBeLessThan(DEADLINE_MS + 3_000);
    const visitor = new Browser(app.url);
    const form = await visitor.request('GET', '/', { signal: AbortSignal.timeout(GIVE_UP_MS) });
    expect(form.status).toBe(200);
    const fresh = await timed(() =>
      visitor.request('POST', '/approvals', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...uniqueTransfer(3), _csrf: csrfOf(form.text) }).toString(),
        signal: AbortSignal.timeout(GIVE_UP_MS),
      }),
    );
    expect(fresh.status).toBe(503);
    expect(fresh.text).toContain('STORE_UNAVAILABLE');
    expect(fresh.ms).toBeLessThan(DEADLINE_MS + 3_000);

    // Long after every deadline, the server wakes up and runs what it had received.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    thaw();
    const deadline = Date.now() + 15_000;
    while ((await healthz()).status !== 200) {
      if (Date.now() > deadline) throw new Error('Redis did not come back after SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The health PING went after the queued record on the same connection: it has run.
    const recorded = await stores.approvals.listRecent(100);
    expect(recorded.map((r) => r.payee)).not.toContain(transfer.payee);
    const history = await fetch(`${app.url}/approvals`, {
      headers: { accept: 'application/json' },
    });
    expect(JSON.stringify(await history.json())).not.toContain(transfer.payee);

    // And the app works again, end to end.
    const run = await approveTransfer(new Browser(app.url), uniqueTransfer(2), otpFor);
    expect(run.result.text).toContain('Transfer approved');
  });
});
