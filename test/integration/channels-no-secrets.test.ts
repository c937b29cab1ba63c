import diagnostics_channel from 'node:diagnostics_channel';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import type { RunningStack } from '../../src/server.js';
import { recordingFetch } from '../helpers/app.js';
import { startDemoStack } from '../helpers/browser.js';
import { bodyRecordingFetch, wireSecrets } from '../helpers/wire-secrets.js';

/**
 * Every `node:diagnostics_channel` channel src/ publishes on, heard during a whole approval
 * (with a wrong code first), a PingOne failure and a rate-limit refusal on the real composition
 * root (server.ts: embedded emulator, SQLite store, inspector on): no message holds any secret
 * value that crossed the wire. The channels are found in the source, so a new one is heard too.
 */
const root = resolve(import.meta.dirname, '../..');

function channelNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/diagnostics_channel\.channel\(\s*'([^']+)'/g))
          names.add(m[1]!);
        for (const m of text.matchAll(/_CHANNEL\s*=\s*'([^']+)'/g)) names.add(m[1]!);
      }
    }
  };
  walk(join(root, 'src'));
  return [...names].sort();
}

const heard = new Map<string, string[]>();
const subscriptions: Array<() => void> = [];
const secrets = new Map<string, string>();
let stack: RunningStack;

/** Deep, whatever the message holds: errors with their message and stack, bigints as text. */
function serialised(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Error)
      return { name: value.name, message: value.message, stack: value.stack };
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

/**
 * Raw or URL-encoded. A code is digits only: it counts as a whole number, not as six digits
 * somewhere inside a duration's decimals.
 */
function containsSecret(text: string, secret: string): boolean {
  if (/^\d+$/.test(secret)) return new RegExp(`(?<![\\d.])${secret}(?!\\d)`).test(text);
  return text.includes(secret) || text.includes(encodeURIComponent(secret));
}

async function outbox(): Promise<Array<{ otp: string; text: string }>> {
  return (await (await fetch(`${stack.emulatorUrl}/__emulator/sms`)).json()) as Array<{
    otp: string;
    text: string;
  }>;
}

async function start(browser: Browser, payee: string) {
  const form = await browser.get('/');
  const started = await browser.post('/approvals', {
    amount: '250.00',
    currency: 'EUR',
    payee,
    _csrf: csrfOf(form.text),
  });
  return started;
}

beforeAll(async () => {
  for (const name of channelNames()) {
    const messages: string[] = [];
    heard.set(name, messages);
    const listener = (message: unknown) => messages.push(serialised(message));
    diagnostics_channel.subscribe(name, listener);
    subscriptions.push(() => diagnostics_channel.unsubscribe(name, listener));
  }
  const recorder = recordingFetch();
  const sent = bodyRecordingFetch(recorder.fetch);
  // One texted code per browser: the first browser's second transfer is refused (429).
  stack = await startDemoStack({ RATE_LIMIT_SMS: '1/100/100' }, { fetch: sent.fetch });

  // A whole approval, a wrong code first.
  const first = new Browser(stack.url);
  expect((await start(first, 'Alice Example Ltd')).location).toBe('/approvals/otp');
  const otp = (await outbox()).find((m) => m.text.includes('Alice Example Ltd'))!.otp;
  const wrong = otp === '000000' ? '111111' : '000000';
  let page = await first.get('/approvals/otp');
  page = await first.post('/approvals/otp', { otp: wrong, _csrf: csrfOf(page.text) });
  expect(page.status).toBe(422);
  const done = await first.post('/approvals/otp', { otp, _csrf: csrfOf(page.text) });
  expect(done.location).toBe('/approvals/result');
  expect((await first.get('/approvals/result')).text).toContain('Transfer approved');
  const firstCookies = first.cookieHeader();

  // PingOne failing otp.check with a 500 that echoes what it was sent.
  const second = new Browser(stack.url);
  expect((await start(second, 'Bob Example Ltd')).location).toBe('/approvals/otp');
  const secondOtp = (await outbox()).find((m) => m.text.includes('Bob Example Ltd'))!.otp;
  const fault = await fetch(`${stack.emulatorUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      method: 'POST',
      path: '/:env/flows/:flowId',
      status: 500,
      body: { id: 'channels-error-id', code: 'UNEXPECTED_ERROR', message: `echo ${secondOtp}` },
    }),
  });
  expect(fault.ok).toBe(true);
  const codePage = await second.get('/approvals/otp');
  const failed = await second.post('/approvals/otp', {
    otp: secondOtp,
    _csrf: csrfOf(codePage.text),
  });
  expect(failed.status).toBe(502);

  // The first browser again: refused by the SMS rate limit before PingOne is called.
  expect((await start(first, 'Carol Example Ltd')).status).toBe(429);

  const pingone = stack.config.pingone!;
  secrets.set('client secret', pingone.clientSecret);
  secrets.set('session secret', stack.config.sessionSecret);
  secrets.set('OTP', otp);
  secrets.set('wrong OTP', wrong);
  secrets.set('OTP of the failed flow', secondOtp);
  for (const [name, cookies] of [
    ['first browser', firstCookies],
    ['second browser', second.cookieHeader()],
  ] as const) {
    for (const pair of cookies.split('; ')) {
      const value = pair.split('=').slice(1).join('=');
      secrets.set(`${name}'s cookie ${pair.split('=')[0]}`, value);
      secrets.set(`${name}'s cookie ${pair.split('=')[0]}, decoded`, decodeURIComponent(value));
    }
  }
  for (const [name, value] of wireSecrets(recorder.calls, sent.bodies)) secrets.set(name, value);
}, 120_000);

afterAll(async () => {
  for (const stop of subscriptions) stop();
  await stack?.close();
});

describe('every diagnostics channel of src/', () => {
  it('is found in the source and heard during the approval, the failure and the refusal', () => {
    expect([...heard.keys()]).toEqual(
      expect.arrayContaining(['approval.event', 'http.rate_limited', 'pingone.call', 'store.op']),
    );
    for (const [name, messages] of heard) expect(messages.length, name).toBeGreaterThan(0);
    const events = heard
      .get('approval.event')!
      .map((m) => (JSON.parse(m) as { kind: string }).kind);
    expect(events).toEqual(expect.arrayContaining(['code-wrong', 'recorded', 'pingone-failed']));
  });

  it('carries no secret value that crossed the wire, in any spelling', () => {
    expect([...secrets.keys()]).toEqual(
      expect.arrayContaining([
        'access token',
        'ID token',
        'authorization code',
        'request (authorize)',
        'state (authorize)',
        'nonce (authorize)',
        'PKCE verifier',
      ]),
    );
    expect([...secrets.keys()].some((name) => name.startsWith('PingOne cookie'))).toBe(true);
    const found: string[] = [];
    for (const [channel, messages] of heard) {
      const text = messages.join('\n');
      for (const [name, secret] of secrets) {
        expect(secret?.length, name).toBeGreaterThan(5);
        if (containsSecret(text, secret)) found.push(`${name} on ${channel}`);
      }
    }
    expect(found).toEqual([]);
  });
});
