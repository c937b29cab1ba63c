import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import { XSS_PAYLOADS, badRequestCorpus, type BadRequest } from '../helpers/bad-input-corpus.js';
import { AS_OPERATOR, listenApp, type ListeningApp } from '../helpers/durable-app.js';

/**
 * A generated corpus of malformed and hostile requests against one instance on the SQLite store:
 * no 5xx, no stack trace, no payload reflected unescaped, and no approval recorded by any of it.
 */
const pingone = await pingoneForFile();
let stores: Stores;
let app: ListeningApp;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'txa-bad-input-'));
  stores = await createStores({ dataDir });
  app = await listenApp(pingone.env, stores);
});

afterAll(async () => {
  await app?.close();
  await stores?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Raw HTTP, so paths, methods and bodies reach the app exactly as written. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function freshSession(): Promise<{ cookie: string; csrf: string }> {
  const browser = new Browser(app.url);
  const page = await browser.get('/');
  return { cookie: browser.cookieHeader(), csrf: csrfOf(page.text) };
}

/** The headers and body a case is sent with, after its session treatment. */
async function prepare(c: BadRequest): Promise<{ headers: Record<string, string>; body?: string }> {
  const headers = { ...c.headers };
  let body = c.body;
  const withToken = (token: string) => {
    headers['x-csrf-token'] = token;
    if (body !== undefined && headers['content-type']?.startsWith('application/x-www-form')) {
      body = `${body}${body ? '&' : ''}_csrf=${encodeURIComponent(token)}`;
    }
  };
  if (c.session === 'none') return { headers, ...(body !== undefined ? { body } : {}) };
  const own = await freshSession();
  headers.cookie = own.cookie;
  switch (c.session) {
    case 'valid':
      withToken(own.csrf);
      break;
    case 'forged-csrf':
      withToken('forged-token-forged-token-forged-token-123');
      break;
    case 'foreign-csrf':
      withToken((await freshSession()).csrf);
      break;
    case 'tampered-cookie': {
      // Flip the last character of the signature: the session id stays, the HMAC breaks.
      const last = own.cookie.at(-1) === 'A' ? 'B' : 'A';
      headers.cookie = `${own.cookie.slice(0, -1)}${last}`;
      withToken(own.csrf);
      break;
    }
    case 'no-csrf':
      break;
  }
  return { headers, ...(body !== undefined ? { body } : {}) };
}

function problemsOf(c: BadRequest, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`status ${answer.status}`);
  for (const payload of XSS_PAYLOADS) {
    if (answer.text.includes(payload)) problems.push(`reflects ${payload}`);
  }
  // Escaped text may keep the words (`&lt;img src=x onerror=…`); a live tag or attribute may not.
  if (/<script>xss|<img src=x onerror|<svg onload|onfocus="xss/.test(answer.text)) {
    problems.push('reflects a payload fragment unescaped');
  }
  if (/\bat .+\.(ts|js):\d+/.test(answer.text)) problems.push('stack trace');
  if (String(answer.headers['set-cookie'] ?? '').includes('x=1')) problems.push('header injection');
  return problems.map((p) => `${c.name}: ${p}`);
}

describe('a corpus of malformed requests', () => {
  it('gets no 5xx, no unescaped reflection, no stack trace, and changes no approval', async () => {
    const corpus = badRequestCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const before = (await stores.approvals.listRecent(10_000)).length;
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (const c of corpus) {
      const { headers, body } = await prepare(c);
      const answer = await send(c.method, c.path, headers, body);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      problems.push(...problemsOf(c, answer));
      // Accepted (a hostile but valid payee starts a flow): the code page must escape it too.
      if (answer.status === 303 && answer.headers.location === '/approvals/otp') {
        const cookie = String(answer.headers['set-cookie'] ?? headers.cookie).split(';')[0]!;
        const otp = await send('GET', '/approvals/otp', { cookie });
        problems.push(...problemsOf({ ...c, name: `${c.name} → code page` }, otp));
        const csrf = /name="_csrf" value="([^"]+)"/.exec(otp.text)?.[1] ?? '';
        const cancel = await send(
          'POST',
          '/approvals/cancel',
          { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          `_csrf=${encodeURIComponent(csrf)}`,
        );
        const result = await send('GET', cancel.headers.location as string, { cookie });
        problems.push(...problemsOf({ ...c, name: `${c.name} → result page` }, result));
      }
    }
    expect(problems).toEqual([]);
    // The corpus reached validation, CSRF, body parsing and routing, not one error path only.
    for (const status of [400, 403, 404, 413]) expect(statuses.get(status)).toBeGreaterThan(0);
    expect(await stores.approvals.listRecent(10_000)).toHaveLength(before);
    const health = await send('GET', '/healthz', {});
    expect(health.status).toBe(200);
  }, 120_000);

  it('the approvals page escapes what the store holds', async () => {
    const payee = XSS_PAYLOADS[0]!;
    await stores.approvals.createIfAbsent({
      transferId: 'bad-input-escape-check',
      approvalId: '00000000-0000-4000-8000-000000000001',
      amount: '1.00',
      currency: 'EUR',
      payee,
      fromAccount: 'Everyday account',
      transferHash: '0'.repeat(64),
      approvedAt: new Date().toISOString(),
      evidence: { sub: 'user', acr: `<b>${payee}</b>` },
    });
    const page = await send('GET', '/approvals', AS_OPERATOR);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(payee);
    expect(page.text).toContain('&lt;script&gt;');
    const json = await send('GET', '/approvals', { ...AS_OPERATOR, accept: 'application/json' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(json.text).approvals[0].payee).toBe(payee);
  });
});
