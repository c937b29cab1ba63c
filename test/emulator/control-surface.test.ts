import { afterEach, describe, expect, it } from 'vitest';
import { emulatorForFile } from '../helpers/emulator.js';
import { authorize, call, management, PHONE, requestJwt } from './fixture.js';

const { em, p } = await emulatorForFile();
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
    expect(Object.keys(all.body[0]).sort()).toEqual(['otp', 'sentAt', 'status', 'text', 'to']);
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

  it('matches a route template segment by segment, and DELETE clears', async () => {
    em.handle.addFault({ path: '/v1/environments/:env/users/:id', status: 503, count: 5 });
    const m = management(em, p.token);
    expect((await m.get(`/users/${p.userId}`)).status).toBe(503);
    expect((await m.get('/users')).status).toBe(200);
    expect((await m.get(`/users/${p.userId}/devices`)).status).toBe(200);
    expect((await call(`${em.url}/__emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await m.get(`/users/${p.userId}`)).status).toBe(200);
  });

  it('matches a literal prefix ending in /*, the bare prefix included', async () => {
    em.handle.addFault({
      path: `/v1/environments/${em.environmentId}/users/*`,
      status: 503,
      count: 9,
    });
    const m = management(em, p.token);
    expect((await m.get('/users')).status).toBe(503);
    expect((await m.get(`/users/${p.userId}/devices`)).status).toBe(503);
    expect((await m.get('/populations')).status).toBe(200);
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

  it('refuses a malformed rule, a regular expression included, with 400 naming the path', async () => {
    const post = (rule: unknown) =>
      call(`${em.url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
    for (const path of ['^/(a+)+$', '^(', 'flows', '/a/*/b', '/a/b*', '/:1/x']) {
      const res = await post({ path, status: 500 });
      expect(res.status, path).toBe(400);
      expect(res.body.details[0].target, path).toBe('path');
    }
    expect((await post({ path: '^/(a+)+$', status: 500 })).body.details[0].message).toMatch(
      /^regular expressions are not accepted: use a route template such as \/:env\/flows\/:id/,
    );
    expect((await post({ path: '/x' })).status).toBe(400);
  });

  it('a catastrophic pattern is refused, so the path it would freeze on answers at once', async () => {
    const res = await call(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '^/(a+)+$', latencyMs: 1 }),
    });
    expect(res.status).toBe(400);
    const started = performance.now();
    expect((await call(`${em.url}/${'a'.repeat(26)}!`)).status).toBe(404);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
