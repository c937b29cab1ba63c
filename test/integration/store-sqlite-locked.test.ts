import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '../../scripts/soak/app-process.js';
import { uniqueTransfer } from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { startSqliteAppProcess, type SqliteAppProcess } from '../helpers/sqlite-app-process.js';
import { holdSqliteLock } from '../helpers/sqlite-lock.js';

/**
 * Another process holds the write lock on the app's SQLite file (a backup tool, an operator's
 * `sqlite3` shell). The app, its own process, must survive it, answer what needs the store with
 * 503 STORE_UNAVAILABLE quickly, and serve everything else meanwhile.
 */
let running: SqliteAppProcess;
let app: AppProcess;

beforeAll(async () => {
  // The prune timer is what threw SQLITE_BUSY out of the event loop: make it run often.
  running = await startSqliteAppProcess({ SESSION_PRUNE_INTERVAL_MS: '300' });
  app = running.app;
});
afterAll(async () => {
  await running?.close();
});

/** The process still runs, and wrote no stack trace (an uncaught or unhandled error). */
function expectAliveWithoutStack(): void {
  expect(() => process.kill(app.pid, 0)).not.toThrow();
  expect(app.output()).not.toMatch(/uncaught|^\s+at .+:\d+:\d+\)?$/im);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

async function status(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

describe('a SQLite file locked by another process', () => {
  it('keeps the app alive and serving; what needs the store gets 503 quickly; all works after', async () => {
    const browser = new Browser(app.url);
    const form = await browser.get('/');
    expect(form.status).toBe(200);
    const visitor = new Browser(app.url);
    const visitorForm = await visitor.get('/');

    const lock = await holdSqliteLock(running.file);
    try {
      // Several prune runs meet the lock.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expectAliveWithoutStack();

      // The form needs no store: its CSRF token is stateless.
      expect((await new Browser(app.url).get('/')).status).toBe(200);
      // Sending it needs a session row; meanwhile, the loop serves /healthz and assets.
      const [page, health, asset] = await Promise.all([
        timed(() =>
          visitor.post('/approvals', { ...uniqueTransfer(3), _csrf: csrfOf(visitorForm.text) }),
        ),
        timed(async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          return status(`${app.url}/healthz`);
        }),
        timed(async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          return status(`${app.url}/assets/app.css`);
        }),
      ]);
      expect(page.value.status).toBe(503);
      expect(page.value.text).toContain('STORE_UNAVAILABLE');
      expect(page.value.headers.get('retry-after')).toBeTruthy();
      // The old 5 s busy timeout blocked the whole process for each such request.
      expect(page.ms).toBeLessThan(4_000);
      expect(health.value).toBe(200);
      expect(asset.value).toBe(200);
      expect(health.ms).toBeLessThan(page.ms);
      expect(asset.ms).toBeLessThan(page.ms);

      // Starting an approval writes the session: the same answer, as JSON too.
      const started = await timed(() =>
        browser.post(
          '/approvals',
          { ...uniqueTransfer(1), _csrf: csrfOf(form.text) },
          { accept: 'application/json' },
        ),
      );
      expect(started.value.status).toBe(503);
      expect(JSON.parse(started.value.text)).toMatchObject({
        error: { code: 'STORE_UNAVAILABLE' },
      });
      expect(started.ms).toBeLessThan(4_000);

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expectAliveWithoutStack();
    } finally {
      await lock.release();
    }

    // Still the same process, and the store works again.
    expect(await status(`${app.url}/healthz`)).toBe(200);
    const again = await browser.get('/');
    expect(again.status).toBe(200);
    const started = await browser.post('/approvals', {
      ...uniqueTransfer(2),
      _csrf: csrfOf(again.text),
    });
    expect(started.status).toBe(303);
    expect(started.location).toBe('/approvals/otp');
    expectAliveWithoutStack();
  });
});
