import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  authorize,
  call,
  management,
  PHONE,
  provision,
  requestJwt,
  type Provisioned,
} from './fixture.js';

let em: RunningEmulator;
let p: Provisioned;

beforeAll(async () => {
  em = await startTestEmulator();
  p = await provision(em);
});
afterAll(() => em.close());
afterEach(() => em.handle.clearFaults());

describe('GET /__emulator/sms and /__emulator/phone', () => {
  it('lists sent messages newest first, filtered by ?to=', async () => {
    await authorize(em, p);
    const jwt = await requestJwt(em, p, {
      template: {
        name: 'transaction',
        variant: 'tx-approval',
        variables: { sum: '9.99', currency: 'USD', recipient: '<Mallory>' },
      },
    });
    await authorize(em, p, { jwt });
    const all = await call(`${em.url}/__emulator/sms`);
    expect(all.status).toBe(200);
    expect(all.body.length).toBeGreaterThanOrEqual(2);
    expect(all.body[0]).toMatchObject({
      to: PHONE,
      text: `Approve 9.99 USD to <Mallory>? Code: ${all.body[0].otp}`,
    });
    expect(Date.parse(all.body[0].sentAt)).toBeGreaterThanOrEqual(Date.parse(all.body[1].sentAt));
    expect(Object.keys(all.body[0]).sort()).toEqual(['otp', 'sentAt', 'text', 'to']);
    const mine = await call(`${em.url}/__emulator/sms?to=${encodeURIComponent(PHONE)}`);
    expect(mine.body).toEqual(all.body);
    const nobody = await call(`${em.url}/__emulator/sms?to=%2B19999999999`);
    expect(nobody.body).toEqual([]);
    expect(em.handle.sms()).toEqual(all.body);
  });

  it('shows the messages on a phone page with no inline script or style, its CSS served as a file', async () => {
    const page = await call(`${em.url}/__emulator/phone`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Approve 9.99 USD to &#60;Mallory&#62;?');
    expect(page.text).not.toContain('<Mallory>');
    // No meta refresh (WCAG 2.2.1): a script file adds new messages to the aria-live list.
    expect(page.text).not.toContain('http-equiv="refresh"');
    expect(page.text).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)![1]!;
    const css = await call(`${em.url}${href}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const src = /<script src="([^"]+)" defer><\/script>/.exec(page.text)![1]!;
    const script = await call(`${em.url}${src}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(page.text).toContain('aria-live="polite"');
  });
});

describe('fault injection', () => {
  it('answers a status with body and Retry-After for the next N matching calls, then normally', async () => {
    const path = `/v1/environments/${em.environmentId}/applications`;
    const added = await call(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'GET',
        path,
        count: 2,
        status: 429,
        body: { code: 'REQUEST_LIMITED', message: 'slow down' },
        headers: { 'Retry-After': '3' },
      }),
    });
    expect(added.status).toBe(204);
    const m = management(em, p.token);
    expect((await m.post('/populations', { name: 'Fault-free' })).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const limited = await m.get('/applications');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(limited.body).toEqual({ code: 'REQUEST_LIMITED', message: 'slow down' });
    }
    expect((await m.get('/applications')).status).toBe(200);
  });

  it('matches a ^-pattern against the path, and DELETE clears', async () => {
    em.handle.addFault({ path: '^/v1/environments/[^/]+/users', status: 503, count: 5 });
    const m = management(em, p.token);
    expect((await m.get(`/users/${p.userId}`)).status).toBe(503);
    expect((await m.get('/populations')).status).toBe(200);
    expect((await call(`${em.url}/__emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await m.get(`/users/${p.userId}`)).status).toBe(200);
  });

  it('drops the connection', async () => {
    em.handle.addFault({ path: `/${em.environmentId}/as/token`, drop: true });
    await expect(
      fetch(`${em.authUrl}/${em.environmentId}/as/token`, { method: 'POST' }),
    ).rejects.toThrow();
  });

  it('adds latency before answering normally', async () => {
    em.handle.clearRequests();
    em.handle.addFault({ path: `/${em.environmentId}/as/jwks`, latencyMs: 50 });
    const res = await call(`${em.authUrl}/${em.environmentId}/as/jwks`);
    expect(res.status).toBe(200);
    const [record] = em.handle.requests();
    expect(record!.endedAt! - record!.startedAt).toBeGreaterThanOrEqual(50);
  });

  it('refuses a malformed rule', async () => {
    const res = await call(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '^(', status: 500 }),
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].target).toBe('path');
    const nothing = await call(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/x' }),
    });
    expect(nothing.status).toBe(400);
  });
});

describe('request log and clock', () => {
  it('records every PingOne call with method, path and status, but not the control surface', async () => {
    em.handle.clearRequests();
    const m = management(em, p.token);
    await m.get('/applications');
    await m.get('/nope');
    const log = await call(`${em.url}/__emulator/requests`);
    expect(
      log.body.map((r: { method: string; path: string; status: number }) => [
        r.method,
        r.path,
        r.status,
      ]),
    ).toEqual([
      ['GET', `/v1/environments/${em.environmentId}/applications`, 200],
      ['GET', `/v1/environments/${em.environmentId}/nope`, 404],
    ]);
    expect(em.handle.requests()).toHaveLength(2);
    expect((await call(`${em.url}/__emulator/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(em.handle.requests()).toEqual([]);
  });

  it('advances the clock over HTTP', async () => {
    const other = await startTestEmulator();
    try {
      const res = await call(`${other.url}/__emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: 3_600_000 }),
      });
      expect(Date.parse(res.body.now)).toBeGreaterThan(Date.now() + 3_500_000);
      const bad = await call(`${other.url}/__emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"advanceMs":-1}',
      });
      expect(bad.status).toBe(400);
    } finally {
      await other.close();
    }
  });
});

describe('discovery', () => {
  it('publishes the issuer, endpoints and one RS256 key', async () => {
    const issuer = `${em.authUrl}/${em.environmentId}/as`;
    const d = await call(`${issuer}/.well-known/openid-configuration`);
    expect(d.body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = await call(`${issuer}/jwks`);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      kid: expect.any(String),
    });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });
});
