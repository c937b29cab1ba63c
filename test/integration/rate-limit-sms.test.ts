import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sharedRateLimitStores,
  type SharedRateLimitStores,
} from '../../src/http/rate-limit-store.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { uniqueTransfer } from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import { listenApp, type ListeningApp } from '../helpers/durable-app.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';

/**
 * SMS pumping (issue 13, defect 3): every start and "send a new code" texts a code that costs
 * money and uses the user's PingOne allowance (50 a day). The defaults: 5 per browser and 20 per
 * client address in 15 minutes, 30 per user in an hour. Counted in the emulator's real outbox.
 */
const LIMITS = { RATE_LIMIT_SMS: '5/20/30', RATE_LIMIT_CODE: '10/30/60' };

const pingone = await pingoneForFile();
let redis: RedisTestServer;
const closers: Array<() => Promise<void>> = [];

const sent = () => pingone.emulator.handle.sms(pingone.phone).length;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await redis?.stop();
});

async function memoryInstance(env: Record<string, string> = {}): Promise<ListeningApp> {
  const stores = await createStores();
  const app = await listenApp({ ...pingone.env, ...LIMITS, ...env }, stores);
  closers.push(
    () => stores.close(),
    () => app.close(),
  );
  return app;
}

async function redisInstance(limits: SharedRateLimitStores): Promise<ListeningApp> {
  const stores: Stores = await createStores({
    redisUrl: redis.url,
    redisKeyPrefix: redis.keyPrefix,
  });
  const app = await listenApp({ ...pingone.env, ...LIMITS }, stores, {
    counterStore: limits.store,
  });
  closers.push(
    () => stores.close(),
    () => app.close(),
  );
  return app;
}

describe('POST /approvals is limited (SMS pumping)', () => {
  it('40 posts at once from one browser send at most 5 SMS; the rest get 429 with Retry-After', async () => {
    const app = await memoryInstance();
    const browser = new Browser(app.url);
    const csrf = csrfOf((await browser.get('/')).text);
    const before = sent();
    const cookie = browser.cookieHeader();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        browser.post('/approvals', { ...uniqueTransfer(i), _csrf: csrf }, { cookie }),
      ),
    );
    const started = answers.filter((a) => a.location === '/approvals/otp');
    const limited = answers.filter((a) => a.status === 429);
    expect(sent() - before).toBeLessThanOrEqual(5);
    expect(started.length).toBeLessThanOrEqual(5);
    // The others: 429, or (their session already replaced by a sibling's) "session expired".
    expect(started.length + limited.length).toBeGreaterThanOrEqual(20);
    expect(answers.every((a) => a.status === 429 || a.status === 303)).toBe(true);
    for (const page of limited) {
      expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(page.text).toContain('TOO_MANY_CODES_SENT');
      expect(page.text).toContain('no new SMS was sent');
    }
  });

  it('one after the other, following each new session, the same browser still gets 5', async () => {
    const app = await memoryInstance();
    const browser = new Browser(app.url);
    const before = sent();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const form = await browser.get('/');
      const page = await browser.post('/approvals', {
        ...uniqueTransfer(100 + i),
        _csrf: csrfOf(form.text),
      });
      statuses.push(page.status);
    }
    expect(sent() - before).toBe(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    // A JSON client gets the same answer as JSON.
    const form = await browser.get('/');
    const json = await browser.post(
      '/approvals',
      { ...uniqueTransfer(199), _csrf: csrfOf(form.text) },
      { accept: 'application/json' },
    );
    expect(json.status).toBe(429);
    expect(JSON.parse(json.text)).toMatchObject({ error: { code: 'TOO_MANY_CODES_SENT' } });
  });

  it('a script that drops its cookie every time is held by the address limit (20)', async () => {
    const app = await memoryInstance();
    const before = sent();
    for (let i = 0; i < 30; i++) {
      const browser = new Browser(app.url);
      const form = await browser.get('/');
      await browser.post('/approvals', { ...uniqueTransfer(200 + i), _csrf: csrfOf(form.text) });
    }
    expect(sent() - before).toBe(20);
  });

  it('"send a new code" counts against the same allowance', async () => {
    const app = await memoryInstance();
    const browser = new Browser(app.url);
    const before = sent();
    const form = await browser.get('/');
    await browser.post('/approvals', { ...uniqueTransfer(300), _csrf: csrfOf(form.text) });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const page = await browser.get('/approvals/otp');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      statuses.push((await browser.post('/approvals/resend', { _csrf: csrf })).status);
    }
    expect(sent() - before).toBe(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });

  it('two instances on one redis-server share the count', async () => {
    const limits = await sharedRateLimitStores(redis.url, { keyPrefix: redis.keyPrefix });
    closers.push(() => limits.close());
    const a = await redisInstance(limits);
    const b = await redisInstance(limits);
    const browser = new Browser(a.url);
    const before = sent();
    for (let i = 0; i < 20; i++) {
      browser.baseUrl = i % 2 ? b.url : a.url;
      const form = await browser.get('/');
      await browser.post('/approvals', { ...uniqueTransfer(400 + i), _csrf: csrfOf(form.text) });
    }
    // Counted per instance, each would have allowed 5: 10 in all.
    expect(sent() - before).toBe(5);
  }, 60_000);
});
