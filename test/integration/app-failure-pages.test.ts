import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  appForTest,
  csrfOf,
  latestOtp,
  startedApproval,
  submitCode,
  submitTransfer,
  wrongCode,
} from '../helpers/app.js';

describe('POST /approvals: the form', () => {
  it('answers 400 with the form, field errors and the typed values; PingOne is not called', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    const res = await submitTransfer(agent, {
      amount: '12.345',
      currency: 'XXX',
      payee: '<b>Eve</b>',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('at most two decimals');
    expect(res.text).toContain('Choose one of');
    expect(res.text).toContain('value="12.345"');
    // EJS escaped the payee: no markup from the user reaches the page.
    expect(res.text).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(res.text).not.toContain('<b>Eve</b>');
    expect(t.emulator.handle.sms()).toHaveLength(0);
  });

  it('gives JSON clients {error: {code, message, fields}}', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    const page = await agent.get('/');
    const res = await agent
      .post('/approvals')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfOf(page.text), amount: '0', currency: 'EUR', payee: 'Bob' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { amount: expect.any(String) },
    });
  });

  it('refuses a wrong CSRF token with a 403 page (and JSON for JSON clients)', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    await agent.get('/');
    const res = await agent
      .post('/approvals')
      .type('form')
      .send({ _csrf: 'forged', amount: '1', currency: 'EUR', payee: 'Bob' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('CSRF_FAILED');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    const json = await agent
      .post('/approvals')
      .set('Accept', 'application/json')
      .type('form')
      .send({ amount: '1' });
    expect(json.status).toBe(403);
    expect(json.body).toEqual({ error: { code: 'CSRF_FAILED', message: expect.any(String) } });
    expect(t.emulator.handle.sms()).toHaveLength(0);
  });

  it('sends a POST without a session (expired, or a foreign cookie) back to the start with an explanation', async () => {
    const t = await appForTest();
    const res = await request(t.app)
      .post('/approvals')
      .type('form')
      .send({ amount: '1', currency: 'EUR', payee: 'Bob' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?notice=session-expired');
    const foreign = await request(t.app)
      .post('/approvals/otp')
      .set('Cookie', 'txa.sid=s%3Aforeign.signature')
      .type('form')
      .send({ otp: '123456', _csrf: 'x' });
    expect(foreign.status).toBe(303);
    expect(foreign.headers.location).toBe('/?notice=session-expired');
    const start = await request(t.app).get(res.headers.location!);
    expect(start.text).toContain('Your session expired');
    // Only known notice codes render text: nothing from the URL reaches the page.
    const injected = await request(t.app).get('/?notice=%3Cscript%3E');
    expect(injected.text).not.toContain('<script>');
  });

  it('sends the code page and the result page without a flow back to the start', async () => {
    const t = await appForTest();
    for (const path of ['/approvals/otp', '/approvals/result']) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/?notice=no-approval');
    }
  });
});

describe('POST /approvals/otp: codes', () => {
  it('a wrong code re-renders with 422 and the attempts left; the right one then approves', async () => {
    const t = await appForTest();
    const { agent, otp } = await startedApproval(t);
    const wrong = await submitCode(agent, wrongCode(otp));
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That code is not right');
    expect(wrong.text).toContain('2 attempts left');
    expect(wrong.text).toContain('Bob Example Ltd');
    const json = await agent
      .post('/approvals/otp')
      .set('Accept', 'application/json')
      .type('form')
      .send({ otp: wrongCode(otp), _csrf: csrfOf(wrong.text) });
    expect(json.status).toBe(422);
    expect(json.body.error).toMatchObject({ code: 'WRONG_CODE', attemptsLeft: 1 });
    const right = await submitCode(agent, otp);
    expect(right.headers.location).toBe('/approvals/result');
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
  });

  it('a code that is not 6-10 digits is a 400 on the same form; the flow stays usable', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const bad = await submitCode(agent, '12ab');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('6 to 10 digits');
    const right = await submitCode(agent, latestOtp(t.emulator));
    expect(right.headers.location).toBe('/approvals/result');
  });

  it('too many wrong codes: not approved, locked, nothing recorded', async () => {
    const t = await appForTest();
    const { agent, otp } = await startedApproval(t);
    expect((await submitCode(agent, wrongCode(otp))).status).toBe(422);
    expect((await submitCode(agent, wrongCode(otp))).status).toBe(422);
    const last = await submitCode(agent, wrongCode(otp));
    expect(last.status).toBe(303);
    expect(last.headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer not approved');
    expect(result.text).toContain('PingOne locked this approval');
    expect(result.text).not.toContain('action="/approvals/resend"');
    expect((await agent.get('/approvals/otp')).headers.location).toBe('/approvals/result');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
  });

  it('a flow PingOne forgot (404) says the code expired, keeps the transfer, and a new code approves it', async () => {
    // The app's clock moves with the emulator's: its request JWTs and token checks stay current.
    let offset = 0;
    const t = await appForTest({ deps: { now: () => new Date(Date.now() + offset) } });
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const stale = latestOtp(t.emulator);
    t.emulator.handle.advanceTime(11 * 60 * 1000);
    offset = 11 * 60 * 1000;
    const res = await submitCode(agent, stale);
    expect(res.headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('The code expired');
    expect(result.text).toContain('Bob Example Ltd');
    const resend = await agent
      .post('/approvals/resend')
      .type('form')
      .send({ _csrf: csrfOf(result.text) });
    expect(resend.status).toBe(303);
    expect(resend.headers.location).toBe('/approvals/otp');
    const fresh = latestOtp(t.emulator);
    expect(t.emulator.handle.sms()).toHaveLength(2);
    expect((await submitCode(agent, fresh)).headers.location).toBe('/approvals/result');
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
  });

  it('a code past its lifetime is "expired" too, with a new code offered', async () => {
    const t = await appForTest();
    const { agent, otp } = await startedApproval(t);
    t.emulator.handle.advanceTime(6 * 60 * 1000);
    await submitCode(agent, otp);
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('The code expired');
    expect(result.text).toContain('action="/approvals/resend"');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
  });

  it('"send a new code" starts a new flow; the old code no longer works', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const old = latestOtp(t.emulator);
    const page = await agent.get('/approvals/otp');
    const resend = await agent
      .post('/approvals/resend')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(resend.headers.location).toBe('/approvals/otp');
    const fresh = latestOtp(t.emulator);
    if (fresh !== old) {
      expect((await submitCode(agent, old)).status).toBe(422);
    }
    expect((await submitCode(agent, fresh)).headers.location).toBe('/approvals/result');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
  });

  it('cancel: not approved (declined), and the flow is gone', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const page = await agent.get('/approvals/otp');
    const res = await agent
      .post('/approvals/cancel')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(res.headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('The approval was cancelled');
    expect(result.text).not.toContain('action="/approvals/resend"');
    const after = await agent
      .post('/approvals/otp')
      .type('form')
      .send({ otp: latestOtp(t.emulator), _csrf: csrfOf(page.text) });
    expect(after.headers.location).toBe('/approvals/result');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
  });

  it('limits code submissions per browser (429 page with Retry-After)', async () => {
    const t = await appForTest({
      deps: { rateLimits: { code: { browser: { limit: 2, windowMs: 60_000 } } } },
    });
    const { agent, otp } = await startedApproval(t);
    expect((await submitCode(agent, wrongCode(otp))).status).toBe(422);
    expect((await submitCode(agent, wrongCode(otp))).status).toBe(422);
    const limited = await submitCode(agent, otp);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.text).toContain('TOO_MANY_ATTEMPTS');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
  });
});

describe('unknown routes', () => {
  it('answer a 404 page, or JSON for JSON clients', async () => {
    const t = await appForTest();
    const page = await request(t.app).get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    const json = await request(t.app).get('/no/such/page').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('/callback is not served in own mode', async () => {
    const t = await appForTest();
    const res = await request(t.app).get('/callback?code=x&state=y');
    expect(res.status).toBe(404);
    expect(res.text).toContain('NOT_AVAILABLE_IN_MODE');
  });
});
