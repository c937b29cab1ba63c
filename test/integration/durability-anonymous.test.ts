import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '../../scripts/soak/app-process.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { TRANSFER } from '../helpers/app.js';
import { startSqliteAppProcess, type SqliteAppProcess } from '../helpers/sqlite-app-process.js';

/**
 * Requests from nobody in particular (no cookie, a broken path), sent to the app as its own
 * process on a SQLite file: they get a clear 4xx and leave nothing behind in the store.
 */
let running: SqliteAppProcess;
let app: AppProcess;

beforeAll(async () => {
  // The inspector's /approvals/:id/trace.json is a route with a parameter the router decodes.
  running = await startSqliteAppProcess({ INSPECTOR: 'on' });
  app = running.app;
});
afterAll(async () => {
  await running?.close();
});

/** Session rows in the real file, read by a connection of our own. */
function sessionRows(): number {
  const db = new Database(running.file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const MALFORMED = [
  '/approvals/%ZZ/trace.json',
  '/%',
  '/approvals/%E0%A4%A',
  '/approvals/%E0%A4%A/trace.json',
  '/approvals/otp%',
  '/assets/%ZZ.css',
  '/healthz%ZZ',
  '/callback/%',
];

describe('a path with a broken percent-encoding', () => {
  it.each(MALFORMED)('GET %s answers 400 MALFORMED_PATH (page and JSON), not 500', async (path) => {
    const page = await fetch(`${app.url}${path}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('MALFORMED_PATH');
    expect(html).not.toMatch(/URIError|at .+\.(ts|js):\d+/);

    const json = await fetch(`${app.url}${path}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      error: { code: 'MALFORMED_PATH', message: expect.stringContaining('%-escape') },
    });
  });

  it('POST to such a path answers 400 too, and none of it is logged as an unhandled error', async () => {
    const res = await fetch(`${app.url}/approvals/%ZZ/trace.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'otp=123456',
    });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    // LOG_LEVEL=warn in the child: an unhandled error (level error) would be in its output.
    expect(app.output()).not.toContain('unhandled error');
    expect(app.output()).not.toContain('INTERNAL_ERROR');
  });
});

describe('requests without a cookie', () => {
  it('404, 403-style, 400 pages and the approve page itself write no session row', async () => {
    const before = sessionRows();
    const cookies: string[] = [];
    for (let i = 0; i < 20; i++) {
      const anonymous = new Browser(app.url);
      const pages = [
        await anonymous.get(`/no-such-page-${i}`),
        await anonymous.request('POST', `/no-such-form-${i}`),
        await anonymous.get('/approvals/%ZZ/trace.json'),
        await anonymous.get(`/approvals/${i}/trace.json`),
        await anonymous.get('/approvals/otp'),
        await anonymous.get('/approvals/result'),
        await anonymous.post('/approvals', { amount: '1', currency: 'EUR', payee: 'x' }),
      ];
      expect(pages.map((p) => p.status).filter((s) => s >= 500)).toEqual([]);
      cookies.push(anonymous.cookieHeader());
    }
    expect(sessionRows()).toBe(before);
    expect(cookies.filter(Boolean)).toEqual([]);
  });

  it('300 first visits to the form: 0 session rows; only sending the form stores one', async () => {
    const before = sessionRows();
    const visitors = Array.from({ length: 300 }, () => new Browser(app.url));
    const forms = [];
    for (const visitor of visitors) forms.push(await visitor.get('/'));
    expect(forms.every((page) => page.status === 200)).toBe(true);
    // The signed form cookie, and no session cookie.
    expect(visitors[0]!.cookieHeader()).toMatch(/^txa\.form=[^;]+$/);
    expect(sessionRows()).toBe(before);

    // The same form, sent: the session is created now, with its own cookie.
    const started = await visitors[0]!.post('/approvals', {
      ...TRANSFER,
      _csrf: csrfOf(forms[0]!.text),
    });
    expect(started.location).toBe('/approvals/otp');
    expect(visitors[0]!.cookieHeader()).toContain('txa.sid=');
    expect(sessionRows()).toBe(before + 1);
  });
});
