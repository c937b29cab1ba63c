import { createHash } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  TRANSFER,
  appForTest,
  latestOtp,
  recordingFetch,
  submitCode,
  submitTransfer,
  type Agent,
  type TestApp,
} from '../helpers/app.js';
import { AS_OPERATOR } from '../helpers/durable-app.js';

async function approve(app: TestApp) {
  const agent = request.agent(app.app);
  const started = await submitTransfer(agent);
  expect(started.status).toBe(303);
  expect(started.headers.location).toBe('/approvals/otp');
  const submitted = await submitCode(agent, latestOtp(app.emulator));
  expect(submitted.status).toBe(303);
  expect(submitted.headers.location).toBe('/approvals/result');
  const result = await agent.get('/approvals/result');
  return { agent, result };
}

describe('own code form (pi.flow): the happy path', () => {
  it('GET / shows the transfer form with demo values, a CSRF field and a strict CSP', async () => {
    const t = await appForTest();
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="amount"');
    expect(res.text).toContain('value="250.00"');
    expect(res.text).toContain('name="payee"');
    expect(res.text).toMatch(/name="_csrf" value="[^"]{20,}"/);
    expect(res.text).toContain('What happens next');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain(new URL(t.emulator.url).origin);
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
  });

  it('texts the transfer, takes the code, validates the ID token and records one approval', async () => {
    const recorder = recordingFetch();
    const t = await appForTest({ deps: { fetch: recorder.fetch } });
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    expect(started.status).toBe(303);

    const sms = t.emulator.handle.sms()[0]!;
    expect(sms.to).toBe('+15555550100');
    expect(sms.text).toContain('250.00');
    expect(sms.text).toContain('EUR');
    expect(sms.text).toContain('Bob Example Ltd');

    const page = await agent.get('/approvals/otp');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('inputmode="numeric"');
    expect(page.text).toContain('autocomplete="one-time-code"');
    expect(page.text).toContain('•••• 0100');
    expect(page.text).toContain('Bob Example Ltd');
    expect(page.text).toContain('Send a new code');
    expect(page.text).toContain(`${t.emulator.url}/__emulator/phone`);
    expect(page.text).not.toContain(sms.otp);

    const submitted = await submitCode(agent, sms.otp);
    expect(submitted.status).toBe(303);
    expect(submitted.headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.status).toBe(200);
    expect(result.text).toContain('Transfer approved');
    expect(result.text).toContain(t.userId);
    expect(result.text).toContain(t.config.pingone!.policyName);
    expect(result.text).toContain('otp');

    const records = await t.approvals.listRecent(10);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      amount: TRANSFER.amount,
      currency: TRANSFER.currency,
      payee: TRANSFER.payee,
      evidence: { sub: t.userId, acr: t.config.pingone!.policyName, amr: ['otp'] },
    });
    expect(result.text).toContain(records[0]!.approvalId);

    // What crossed the wire to PingOne.
    const transferId = records[0]!.transferId;
    const authorize = recorder.calls.find((c) => c.url.includes('/as/authorize'))!;
    const query = new URL(authorize.url).searchParams;
    expect(query.get('response_mode')).toBe('pi.flow');
    expect(query.get('request')).toBe(query.get('login_hint_token'));
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('acr_values')).toBe(t.config.pingone!.policyName);
    expect(query.get('redirect_uri')).toBe(`${t.config.baseUrl}/callback`);
    expect(query.get('state')).toBeTruthy();
    expect(query.get('nonce')).toBeTruthy();
    const flowCalls = recorder.calls.filter(
      (c) => !c.url.includes('/.well-known/') && !c.url.endsWith('/jwks'),
    );
    for (const call of flowCalls.filter((c) => !c.url.endsWith('/as/token'))) {
      expect(call.requestHeaders['x-ping-external-transaction-id']).toBe(transferId);
    }
    const otpCheck = recorder.calls.find((c) => c.url.includes('/flows/'))!;
    expect(otpCheck.requestHeaders['content-type']).toBe(
      'application/vnd.pingidentity.otp.check+json',
    );
    expect(otpCheck.requestHeaders.authorization).toBeUndefined();
    const token = recorder.calls.find((c) => c.url.endsWith('/as/token'))!;
    expect(token.requestHeaders.authorization).toMatch(/^Basic /);

    // The record names the ID token it rests on: issuer, audience, and (PingOne's ID tokens carry
    // no jti) the SHA-256 of the token PingOne sent. The page shows them, never the token.
    const idToken = (JSON.parse(token.responseText!) as { id_token: string }).id_token;
    const idTokenSha256 = createHash('sha256').update(idToken).digest('base64url');
    expect(records[0]!.evidence).toMatchObject({
      iss: `${t.emulator.authUrl}/${t.emulator.environmentId}/as`,
      aud: t.config.pingone!.clientId,
      idTokenSha256,
    });
    expect(records[0]!.evidence.jti).toBeUndefined();
    expect(result.text).toContain(idTokenSha256);
    expect(result.text).toContain(`${t.emulator.authUrl}/${t.emulator.environmentId}/as`);
    expect(result.text).not.toContain(idToken);
    expect(result.text).not.toContain(idToken.split('.')[1]!);
  });

  it('replays the PingOne cookies and follows their rotation on every step', async () => {
    const recorder = recordingFetch();
    const t = await appForTest({ deps: { fetch: recorder.fetch } });
    await approve(t);
    const jarAfter = (call: (typeof recorder.calls)[number]) =>
      call.responseHeaders!.getSetCookie().map((c) => c.split(';')[0]!);
    const authorize = recorder.calls.find((c) => c.url.includes('/as/authorize'))!;
    const otpCheck = recorder.calls.find((c) => c.url.includes('/flows/'))!;
    const resume = recorder.calls.find((c) => c.url.includes('/as/resume'))!;
    const first = jarAfter(authorize);
    expect(first.length).toBeGreaterThan(0);
    for (const pair of first) expect(otpCheck.requestHeaders.cookie).toContain(pair);
    const rotated = jarAfter(otpCheck);
    expect(rotated.length).toBeGreaterThan(0);
    expect(rotated).not.toEqual(first);
    for (const pair of rotated) expect(resume.requestHeaders.cookie).toContain(pair);
  });

  it.each([
    ['a flow id that changes after each step', { flowIdRotation: true }],
    ['authorizeResponse inside the COMPLETED flow', { completedIncludesAuthorizeResponse: true }],
    ['resume answering 302 with Location', { resumeRedirectsInPiFlow: true }],
    ['resume not echoing state', { echoStateOnResume: false }],
  ])('approves with %s', async (_name, variants) => {
    const recorder = recordingFetch();
    const t = await appForTest({ variants, deps: { fetch: recorder.fetch } });
    const { result } = await approve(t);
    expect(result.text).toContain('Transfer approved');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
    if ('flowIdRotation' in variants) {
      const otpCheck = recorder.calls.find((c) => c.url.includes('/flows/'))!;
      const resume = recorder.calls.find((c) => c.url.includes('/as/resume'))!;
      const checked = new URL(otpCheck.url).pathname.split('/').pop();
      expect(new URL(resume.url).searchParams.get('flowId')).not.toBe(checked);
    }
    if ('completedIncludesAuthorizeResponse' in variants) {
      expect(recorder.calls.some((c) => c.url.includes('/as/resume'))).toBe(false);
    }
  });

  it('sends a worker bearer token on /flows calls only when configured (PINGONE_FLOWS_BEARER)', async () => {
    const recorder = recordingFetch();
    const t = await appForTest({ deps: { fetch: recorder.fetch } });
    // Same emulator, now with the worker configured for /flows.
    const { createApp } = await import('../../src/app.js');
    const { createLogger } = await import('../../src/log.js');
    const app = createApp({
      config: { ...t.config, pingone: { ...t.config.pingone!, worker: t.emulator.worker } },
      approvals: t.approvals,
      fetch: recorder.fetch,
      retry: { maxAttempts: 1 },
      logger: createLogger({ level: 'silent' }),
    });
    const { result } = await approve({ ...t, app });
    expect(result.text).toContain('Transfer approved');
    const otpCheck = recorder.calls.find((c) => c.url.includes('/flows/'))!;
    expect(otpCheck.requestHeaders.authorization).toMatch(/^Bearer \S+/);
    const authorize = recorder.calls.find((c) => c.url.includes('/as/authorize'))!;
    expect(authorize.requestHeaders.authorization).toBeUndefined();
  });

  it('a double-submitted code approves exactly once', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const page = await agent.get('/approvals/otp');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const otp = latestOtp(t.emulator);
    const send = () => agent.post('/approvals/otp').type('form').send({ otp, _csrf: csrf });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
  });

  it('replaying the code, the back button and a second tab cannot approve twice', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const page = await agent.get('/approvals/otp');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const otp = latestOtp(t.emulator);
    const first = await agent.post('/approvals/otp').type('form').send({ otp, _csrf: csrf });
    expect(first.headers.location).toBe('/approvals/result');
    const calls = t.emulator.handle.requests().length;

    const replay = await agent.post('/approvals/otp').type('form').send({ otp, _csrf: csrf });
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/approvals/result');
    const back = await agent.get('/approvals/otp');
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/approvals/result');
    // Nothing reached PingOne: the flow state was consumed before anything was trusted.
    expect(t.emulator.handle.requests().length).toBe(calls);
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
  });

  it('GET /healthz reports the mode and the store', async () => {
    const t = await appForTest();
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      mode: 'embedded',
      ui: 'own',
      store: { ok: true, kind: 'memory' },
    });
  });
});

describe('GET /healthz', () => {
  it('answers 503 when the approval store is not healthy', async () => {
    const t = await appForTest();
    const { createApp } = await import('../../src/app.js');
    const { MemoryApprovalStore } = await import('../../src/approval/approval-store.js');
    const broken = new MemoryApprovalStore();
    broken.health = async () => ({ ok: false, kind: 'memory', detail: 'down for the test' });
    const app = createApp({
      config: t.config,
      approvals: broken,
      logger: (await import('../../src/log.js')).createLogger({ level: 'silent' }),
    });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'degraded', store: { ok: false } });
  });
});

describe('behind an https BASE_URL', () => {
  it('trusts the configured proxy, marks the session cookie Secure and sends HSTS', async () => {
    const t = await appForTest({ baseUrl: 'https://bank.example' });
    const { createApp } = await import('../../src/app.js');
    const { createLogger } = await import('../../src/log.js');
    const app = createApp({
      // supertest's requests come from 127.0.0.1, the "proxy" here (TRUST_PROXY=loopback).
      config: { ...t.config, trustProxy: ['loopback'] },
      approvals: t.approvals,
      logger: createLogger({ level: 'silent' }),
    });
    const res = await request(app).get('/').set('X-Forwarded-Proto', 'https');
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });
});

async function approveFor(t: TestApp, agent: Agent, payee: string) {
  await submitTransfer(agent, { amount: '12.00', currency: 'EUR', payee });
  return submitCode(agent, latestOtp(t.emulator));
}

const payees = (res: request.Response) =>
  (res.body as { approvals: Array<{ payee: string }> }).approvals.map((a) => a.payee);

describe('GET /approvals', () => {
  it('shows a browser its own approvals only; nothing without a cookie; all for the operator', async () => {
    const t = await appForTest();
    const alice = request.agent(t.app);
    const bob = request.agent(t.app);
    await approveFor(t, alice, 'Alice Payee Ltd');
    await approveFor(t, bob, 'Bob Payee Ltd');
    const json = { accept: 'application/json' };
    expect(payees(await alice.get('/approvals').set(json))).toEqual(['Alice Payee Ltd']);
    expect(payees(await bob.get('/approvals').set(json))).toEqual(['Bob Payee Ltd']);
    const anonymous = await request(t.app).get('/approvals').set(json);
    expect(payees(anonymous)).toEqual([]);
    expect(anonymous.headers['set-cookie']).toBeUndefined();
    const page = await request(t.app).get('/approvals');
    expect(page.text).not.toContain('Payee Ltd');

    const operator = await request(t.app)
      .get('/approvals')
      .set({ ...json, ...AS_OPERATOR });
    expect(payees(operator).sort()).toEqual(['Alice Payee Ltd', 'Bob Payee Ltd']);
    const wrong = await request(t.app)
      .get('/approvals')
      .set({ ...json, authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expect(wrong.body).toMatchObject({ error: { code: 'OPERATOR_TOKEN_INVALID' } });
  });

  it('pages the operator through every approval with `next`; a forged cursor is a 400', async () => {
    const t = await appForTest();
    const base = Date.UTC(2026, 10, 29, 9, 0, 0);
    for (let i = 0; i < 45; i++) {
      await t.approvals.createIfAbsent({
        transferId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        approvalId: `a-${i}`,
        amount: `${i}.00`,
        currency: 'EUR',
        payee: `Payee ${i}`,
        fromAccount: 'DE00',
        transferHash: 'h',
        approvedAt: new Date(base + i * 1000).toISOString(),
        evidence: { sub: 's' },
      });
    }
    const operator = { accept: 'application/json', ...AS_OPERATOR };
    const seen: string[] = [];
    let url: string | undefined = '/approvals';
    while (url) {
      const res = await request(t.app).get(url).set(operator);
      expect(res.status).toBe(200);
      const body = res.body as { approvals: Array<{ payee: string }>; next: string | null };
      seen.push(...body.approvals.map((a) => a.payee));
      url = body.next ? `/approvals?before=${encodeURIComponent(body.next)}` : undefined;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `Payee ${44 - i}`));
    const html = await request(t.app).get('/approvals').set(AS_OPERATOR);
    expect(html.text).toContain('Older approvals');
    for (const forged of ['x', '1.2.3', `${'9'.repeat(20)}.a`, '1.<script>']) {
      const res = await request(t.app)
        .get(`/approvals?before=${encodeURIComponent(forged)}`)
        .set(operator);
      expect(res.status, forged).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
    }
  });
});

describe('session id', () => {
  it('is rotated when the approval completes: the id used during the flow stops working', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    const during = /txa\.sid=([^;]+)/.exec(String(started.headers['set-cookie']))![1]!;
    const done = await submitCode(agent, latestOtp(t.emulator));
    const after = /txa\.sid=([^;]+)/.exec(String(done.headers['set-cookie']))?.[1];
    expect(after).toBeDefined();
    expect(after).not.toBe(during);
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
    const old = await request(t.app).get('/approvals/result').set('Cookie', `txa.sid=${during}`);
    expect(old.status).toBe(303);
    expect(old.headers.location).toBe('/?notice=no-approval');
  });
});
