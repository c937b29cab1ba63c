import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createInspector } from '../../src/inspector/inspector.js';
import type { Trace, TraceStep } from '../../src/inspector/trace.js';
import { createLogger } from '../../src/log.js';
import {
  appForTest,
  csrfOf,
  latestOtp,
  startedApproval,
  submitCode,
  submitTransfer,
  wrongCode,
  type Agent,
} from '../helpers/app.js';

/**
 * The inspector (on by default in embedded mode): the timeline on the code and result pages and
 * `GET /approvals/:id/trace.json`, against the real emulator.
 */
async function traceOf(agent: Agent, id: string): Promise<Trace> {
  const res = await agent.get(`/approvals/${id}/trace.json`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  return JSON.parse(res.text) as Trace;
}

const kinds = (trace: Trace) => trace.steps.map((s) => s.kind);
const stepOf = (trace: Trace, kind: TraceStep['kind'], nth = 0) =>
  trace.steps.filter((s) => s.kind === kind)[nth]!;
const section = (step: TraceStep, title: string) => step.sections.find((s) => s.title === title)!;
const field = (step: TraceStep, title: string, name: string) =>
  section(step, title).fields!.find(([n]) => n === name)?.[1];

describe('inspector: the happy path', () => {
  it('records every step, shows the timeline on the code and result pages, and serves trace.json', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    expect((await submitTransfer(agent)).status).toBe(303);

    const code = await agent.get('/approvals/otp');
    expect(code.text).toContain('Inspector: what travelled so far');
    expect(code.text).toContain('authorize (pi.flow)');
    expect(code.text).toContain('200 OTP_REQUIRED');
    // The SMS from the emulator's outbox, with its code masked.
    expect(code.text).toContain('Approve 250.00 EUR to Bob Example Ltd? Code: ••••••');
    expect(code.text).toContain('<details>');
    expect(code.text).toContain(
      'https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/authorize-transaction-approval-.html',
    );
    expect(code.text).toContain('href="/assets/inspector.css"');
    expect(code.text).not.toMatch(/<script|style="/);

    await submitCode(agent, latestOtp(t.emulator));
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    expect(result.text).toContain('Inspector: what travelled</h2>');
    for (const title of ['otp.check', 'resume', 'token', 'Our checks']) {
      expect(result.text).toContain(`<span class="tl-title">${title}</span>`);
    }
    const [record] = await t.approvals.listRecent(1);
    expect(result.text).toContain(`href="/approvals/${record!.approvalId}/trace.json"`);

    const trace = await traceOf(agent, record!.approvalId);
    expect(trace).toMatchObject({
      version: 1,
      transferId: record!.transferId,
      approvalId: record!.approvalId,
      mode: 'embedded',
      outcome: 'approved',
    });
    expect(kinds(trace)).toEqual([
      'browser',
      'authorize',
      'sms',
      'browser',
      'otp.check',
      'resume',
      'token',
      'checks',
      'result',
    ]);
    expect(trace.steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const authorize = stepOf(trace, 'authorize');
    expect(authorize).toMatchObject({ from: 'rp', to: 'pingone', ok: true });
    expect(authorize.http).toMatchObject({ method: 'GET', status: 200 });
    expect(authorize.http!.url).toBe(
      `${t.emulator.authUrl}/${t.emulator.environmentId}/as/authorize`,
    );
    expect(typeof authorize.http!.durationMs).toBe('number');
    expect(field(authorize, 'Request: query parameters', 'response_mode')).toBe('pi.flow');
    expect(field(authorize, 'Request: query parameters', 'acr_values')).toBe(
      t.config.pingone!.policyName,
    );
    expect(section(authorize, 'request JWT: header').json).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(section(authorize, 'request JWT: claims').json).toMatchObject({
      iss: t.config.pingone!.clientId,
      aud: `${t.emulator.authUrl}/${t.emulator.environmentId}/as`,
      sub: t.config.pingone!.username,
      'pi.template': {
        name: 'transaction',
        variables: { sum: '250.00', currency: 'EUR', recipient: 'Bob Example Ltd' },
      },
    });
    const flow = section(authorize, 'Response: the flow object').json as Record<string, unknown>;
    expect(flow.status).toBe('OTP_REQUIRED');
    // The flow's id stays with its cookies on the server: the user it names is shown.
    expect(flow).toMatchObject({ _embedded: { user: { id: t.userId } } });
    expect(flow).not.toHaveProperty('id');
    expect(field(authorize, 'Response: cookies', 'Cookie')).toMatch(/^ST\b.*not shown/);

    expect(stepOf(trace, 'sms').summary).toBe(
      'Approve 250.00 EUR to Bob Example Ltd? Code: ••••••',
    );
    expect(
      field(stepOf(trace, 'sms'), 'The SMS (from the emulator’s outbox, code masked)', 'to'),
    ).toBe('•••• 0100');
    // How the emulator's message travels, measured on its text (the code's digits, not the mask).
    const smsSection = 'The SMS (from the emulator’s outbox, code masked)';
    expect(field(stepOf(trace, 'sms'), smsSection, 'encoding')).toBe('GSM-7');
    expect(field(stepOf(trace, 'sms'), smsSection, 'length')).toBe('51 septets, 160 per segment');
    expect(field(stepOf(trace, 'sms'), smsSection, 'segments')).toBe('1');
    expect(stepOf(trace, 'sms').request).toBe('SMS to •••• 0100 · GSM-7 · 1 segment');

    const otpCheck = stepOf(trace, 'otp.check');
    expect(otpCheck).toMatchObject({ ok: true, response: '200 COMPLETED' });
    expect(section(otpCheck, 'Request body').json).toEqual({ otp: '••••••' });
    expect(field(otpCheck, 'Request headers', 'Content-Type')).toBe(
      'application/vnd.pingidentity.otp.check+json',
    );

    const resume = stepOf(trace, 'resume');
    expect(resume.http).toMatchObject({ method: 'GET', status: 200 });
    expect(field(resume, 'Response: authorizeResponse', 'code')).toMatch(/not shown/);

    const token = stepOf(trace, 'token');
    expect(token.http).toMatchObject({ method: 'POST', status: 200 });
    expect(field(token, 'Response', 'id_token')).toMatch(/validated by openid-client/);
    // The claims the approval core judged (its token-checked event), not a decoded token.
    expect(section(token, 'ID token: claims').json).toEqual({
      sub: t.userId,
      iss: `${t.emulator.authUrl}/${t.emulator.environmentId}/as`,
      acr: t.config.pingone!.policyName,
      amr: ['otp'],
      aud: t.config.pingone!.clientId,
      auth_time: expect.any(Number),
      idTokenSha256: expect.stringMatching(/^[\w-]{43}$/),
    });

    const checks = section(stepOf(trace, 'checks'), 'Checks').fields!.map(([name]) => name);
    for (const name of [
      'transfer hash',
      'state',
      'signature',
      'iss',
      'aud',
      'exp',
      'nonce',
      'sub',
      'acr',
    ]) {
      expect(checks.some((c) => c.endsWith(` ${name}`))).toBe(true);
    }
    const passed = ['transfer hash', 'signature', 'iss', 'aud', 'exp', 'nonce', 'sub', 'acr'];
    for (const name of [...passed, 'auth_time']) {
      expect(checks).toContain(`✓ ${name}`);
    }
    expect(stepOf(trace, 'checks').ok).toBe(true);
    expect(stepOf(trace, 'result')).toMatchObject({ from: 'rp', to: 'you', ok: true });

    // The same trace by transfer id, for this session.
    expect((await traceOf(agent, record!.transferId)).approvalId).toBe(record!.approvalId);
  });

  it('never serves a trace to another session, for an unknown id or a malformed one (404)', async () => {
    const t = await appForTest();
    const owner = request.agent(t.app);
    await submitTransfer(owner);
    await submitCode(owner, latestOtp(t.emulator));
    const [record] = await t.approvals.listRecent(1);
    expect((await owner.get(`/approvals/${record!.approvalId}/trace.json`)).status).toBe(200);

    const stranger = request.agent(t.app);
    await stranger.get('/');
    for (const id of [record!.approvalId, record!.transferId]) {
      const res = await stranger
        .get(`/approvals/${id}/trace.json`)
        .set('Accept', 'application/json');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
      expect(res.text).not.toContain(record!.payee);
    }
    expect((await request(t.app).get(`/approvals/${record!.approvalId}/trace.json`)).status).toBe(
      404,
    );
    expect(
      (await owner.get('/approvals/00000000-0000-4000-8000-000000000000/trace.json')).status,
    ).toBe(404);
    expect((await owner.get('/approvals/not-a-uuid/trace.json')).status).toBe(404);

    // A new transfer in the same browser starts a new trace; the old one is no longer reachable.
    await submitTransfer(owner);
    expect((await owner.get(`/approvals/${record!.approvalId}/trace.json`)).status).toBe(404);
  });
});

describe('inspector: a wrong code', () => {
  it('shows the failed otp.check with attempts left, then the right code on the same flow', async () => {
    const t = await appForTest();
    const { agent, otp } = await startedApproval(t);
    const wrong = await submitCode(agent, wrongCode(otp));
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('<li class="tl-step tl-bad"');
    expect(wrong.text).toContain('400 INVALID_OTP');
    expect(wrong.text).toMatch(/Wrong code: \d attempts? left/);

    const transferId = (await traceOfTransfer(agent)).transferId;
    const inFlight = await traceOf(agent, transferId);
    expect(inFlight.outcome).toBeUndefined();
    const failed = stepOf(inFlight, 'otp.check');
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatchObject({
      status: 400,
      code: 'INVALID_DATA',
      detail: 'INVALID_OTP',
    });
    expect(failed.error!.pingoneErrorId).toMatch(/^[0-9a-f-]{36}$/);
    const details = section(failed, 'PingOne’s error').json as Array<Record<string, unknown>>;
    expect(details[0]).toMatchObject({ code: 'INVALID_OTP' });

    await submitCode(agent, otp);
    const done = await traceOf(agent, transferId);
    expect(kinds(done)).toEqual([
      'browser',
      'authorize',
      'sms',
      'browser',
      'otp.check',
      'browser',
      'otp.check',
      'resume',
      'token',
      'checks',
      'result',
    ]);
    expect(stepOf(done, 'otp.check', 1).ok).toBe(true);
    expect(done.outcome).toBe('approved');
  });
});

/** The trace of the approval in progress, found from the code page's link. */
async function traceOfTransfer(agent: Agent): Promise<Trace> {
  const page = await agent.get('/approvals/otp');
  const match = /href="\/approvals\/([0-9a-f-]{36})\/trace\.json"/.exec(page.text);
  expect(match).not.toBeNull();
  return traceOf(agent, match![1]!);
}

describe('inspector: PingOne faults', () => {
  it('authorize refused (400): the result page’s timeline shows the failing step with PingOne’s error id', async () => {
    const t = await appForTest();
    const errorId = 'e4000000-0000-4000-8000-000000000400';
    t.emulator.handle.addFault({
      path: `/${t.emulator.environmentId}/as/authorize`,
      status: 400,
      body: { id: errorId, code: 'INVALID_REQUEST', message: 'nope' },
    });
    const agent = request.agent(t.app);
    expect((await submitTransfer(agent)).headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer not approved');
    expect(result.text).toContain('400 INVALID_REQUEST');
    expect(result.text).toContain(`PingOne error id <code>${errorId}</code>`);
    const id = /href="\/approvals\/([0-9a-f-]{36})\/trace\.json"/.exec(result.text)![1]!;
    const trace = await traceOf(agent, id);
    expect(kinds(trace)).toEqual(['browser', 'authorize', 'result']);
    expect(stepOf(trace, 'authorize')).toMatchObject({
      ok: false,
      http: { status: 400 },
      error: { status: 400, code: 'INVALID_REQUEST', pingoneErrorId: errorId },
    });
    // PingOne's free text may echo what it was sent: the event, so the trace, has its codes only.
    expect(JSON.stringify(trace)).not.toContain('nope');
    expect(trace.outcome).toBe('failed');
  });

  it('otp.check failing (500): the 502 page, then trace.json shows the failed step, then the retry', async () => {
    const t = await appForTest();
    const errorId = 'e5000000-0000-4000-8000-000000000500';
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const transferId = (await traceOfTransfer(agent)).transferId;
    t.emulator.handle.addFault({
      path: `/${t.emulator.environmentId}/flows/:flowId`,
      method: 'POST',
      status: 500,
      body: { id: errorId, code: 'UNEXPECTED_ERROR', message: 'boom' },
    });
    const failed = await submitCode(agent, latestOtp(t.emulator));
    expect(failed.status).toBe(502);
    // The error page carries the timeline too, the failing step marked.
    expect(failed.text).toContain('<li class="tl-step tl-bad"');
    expect(failed.text).toContain(`PingOne error id <code>${errorId}</code>: quote it`);
    const trace = await traceOf(agent, transferId);
    expect(stepOf(trace, 'otp.check')).toMatchObject({
      ok: false,
      response: '500 UNEXPECTED_ERROR',
      error: { status: 500, pingoneErrorId: errorId },
    });
    // The code page (the flow went back into the session) shows it too.
    const again = await agent.get('/approvals/otp');
    expect(again.text).toContain(`PingOne error id <code>${errorId}</code>`);

    t.emulator.handle.clearFaults();
    await submitCode(agent, latestOtp(t.emulator));
    const done = await traceOf(agent, transferId);
    expect(done.outcome).toBe('approved');
    expect(done.steps.filter((s) => s.kind === 'otp.check').map((s) => s.ok)).toEqual([
      false,
      true,
    ]);
  });

  it('a resend after a failure continues the same trace with a new flow', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    t.emulator.handle.addFault({
      path: `/${t.emulator.environmentId}/as/authorize`,
      status: 503,
      count: 1,
    });
    const failed = await submitTransfer(agent);
    expect(failed.status).toBe(502);
    const resent = await agent
      .post('/approvals/resend')
      .type('form')
      .send({ _csrf: csrfOf(failed.text) });
    expect(resent.headers.location).toBe('/approvals/otp');
    const trace = await traceOfTransfer(agent);
    expect(kinds(trace)).toEqual(['browser', 'authorize', 'browser', 'authorize', 'sms']);
    expect(trace.steps[2]).toMatchObject({ request: 'POST /approvals/resend' });
    expect(trace.steps[1]).toMatchObject({ ok: false, http: { status: 503 } });
  });
});

describe('inspector: never a secret, OTP, cookie or raw token', () => {
  it('the code page, the result page and trace.json contain none of them', async () => {
    const bodies: Array<{ url: string; request?: string; response: string; setCookies: string[] }> =
      [];
    const recording: typeof fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const res = await fetch(input, init);
      bodies.push({
        url,
        ...(init?.body !== undefined ? { request: String(init.body) } : {}),
        response: await res.clone().text(),
        setCookies: res.headers.getSetCookie(),
      });
      return res;
    };
    const t = await appForTest({ deps: { fetch: recording } });
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    const sessionCookie = String(started.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
    const sessionId = /^s%3A([^.]+)\./.exec(sessionCookie)![1]!;
    const otp = latestOtp(t.emulator);
    const wrong = wrongCode(otp);
    const wrongPage = await submitCode(agent, wrong);
    const codePage = await agent.get('/approvals/otp');
    await submitCode(agent, otp);
    const resultPage = await agent.get('/approvals/result');
    const [record] = await t.approvals.listRecent(1);
    const json = (await agent.get(`/approvals/${record!.approvalId}/trace.json`)).text;

    const authorize = bodies.find((b) => b.url.includes('/as/authorize'))!;
    const requestJwt = new URL(authorize.url).searchParams.get('request')!;
    const resume = bodies.find((b) => b.url.includes('/as/resume'))!;
    const authorizationCode = (
      JSON.parse(resume.response) as { authorizeResponse: { code: string } }
    ).authorizeResponse.code;
    const tokenCall = bodies.find((b) => b.url.endsWith('/as/token'))!;
    const verifier = new URLSearchParams(tokenCall.request).get('code_verifier')!;
    const tokens = JSON.parse(tokenCall.response) as { access_token: string; id_token: string };
    const cookieValues = bodies
      .flatMap((b) => b.setCookies)
      .map((c) => c.split(';')[0]!.split('=').slice(1).join('='))
      .filter((v) => v.length > 0);
    expect(cookieValues.length).toBeGreaterThan(1);

    const secrets: Record<string, string> = {
      'client secret': t.config.pingone!.clientSecret,
      'session cookie': sessionCookie,
      'session id': sessionId,
      'authorization code': authorizationCode,
      'PKCE verifier': verifier,
      'access token': tokens.access_token,
      'ID token': tokens.id_token,
      'ID token signature': tokens.id_token.split('.')[2]!,
      'request JWT': requestJwt,
      'request JWT signature': requestJwt.split('.')[2]!,
    };
    cookieValues.forEach((v, i) => (secrets[`PingOne cookie ${i}`] = v));
    const pages = {
      wrongPage: wrongPage.text,
      codePage: codePage.text,
      resultPage: resultPage.text,
      json,
    };
    // The timeline is really there, with the steps whose inputs were secret.
    expect(resultPage.text).toContain('<span class="tl-title">token</span>');
    expect(json).toContain('"kind": "token"');
    for (const [where, text] of Object.entries(pages)) {
      for (const [name, value] of Object.entries(secrets)) {
        expect(text.includes(value), `${name} in ${where}`).toBe(false);
      }
      // Codes as whole numbers only: a 6-digit run inside a longer number is not the code.
      for (const code of [otp, wrong]) {
        expect(new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text), `OTP ${code} in ${where}`).toBe(
          false,
        );
      }
    }
  });
});

describe('inspector: on and off', () => {
  it('INSPECTOR=off: no timeline and no stylesheet on the pages, trace.json is 404', async () => {
    const t = await appForTest();
    const app = createApp({
      config: { ...t.config, inspector: false },
      approvals: t.approvals,
      logger: createLogger({ level: 'silent' }),
      retry: { maxAttempts: 1 },
    });
    const agent = request.agent(app);
    await submitTransfer(agent);
    const code = await agent.get('/approvals/otp');
    expect(code.text).not.toContain('Inspector');
    expect(code.text).not.toContain('inspector.css');
    await submitCode(agent, latestOtp(t.emulator));
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    expect(result.text).not.toContain('trace.json');
    const [record] = await t.approvals.listRecent(1);
    expect((await agent.get(`/approvals/${record!.approvalId}/trace.json`)).status).toBe(404);
  });

  it('real PingOne mode with INSPECTOR=on: the SMS step shows only the masked number, never its text', async () => {
    const t = await appForTest();
    const app = createApp({
      config: { ...t.config, mode: 'pingone', inspector: true },
      approvals: t.approvals,
      logger: createLogger({ level: 'silent' }),
      retry: { maxAttempts: 1 },
      phoneHint: '+15555550100',
      emulatorPhoneUrl: `${t.emulator.url}/__emulator/phone`,
      extensions: [createInspector({ mode: 'pingone', ui: 'own', approvals: t.approvals })],
    });
    const agent = request.agent(app);
    await submitTransfer(agent);
    const code = await agent.get('/approvals/otp');
    expect(code.text).toContain('Sent to •••• 0100; its text stays between PingOne and the phone.');
    expect(code.text).not.toContain('Code: ••••');
    expect(code.text).not.toContain('Approve 250.00 EUR');
    const trace = await traceOfTransfer(agent);
    expect(trace.mode).toBe('pingone');
    // Not the message (only PingOne sees it) but the provisioned template with this transfer.
    const sms = stepOf(trace, 'sms');
    expect(sms.request).toBe('SMS to •••• 0100 · GSM-7 · 1 segment');
    expect(field(sms, 'The SMS', 'encoding')).toBe('GSM-7');
    expect(field(sms, 'The SMS', 'segments')).toBe('1');
    expect(code.text).toContain('SMS to •••• 0100 · GSM-7 · 1 segment');
  });
});

describe('inspector: hosted mode (APPROVAL_UI=hosted)', () => {
  it('records the redirect to PingOne, the callback, the token and the checks', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const { completeHostedSignOn } = await import('../helpers/app.js');
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    const back = await completeHostedSignOn(started.headers.location!, latestOtp, t.emulator);
    expect((await agent.get(back)).headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    const [record] = await t.approvals.listRecent(1);
    const trace = await traceOf(agent, record!.approvalId);
    expect(kinds(trace)).toEqual(['browser', 'authorize', 'callback', 'token', 'checks', 'result']);
    expect(stepOf(trace, 'authorize')).toMatchObject({ from: 'you', to: 'pingone' });
    expect(field(stepOf(trace, 'authorize'), 'Request: query parameters', 'response_mode')).toBe(
      'query',
    );
    expect(stepOf(trace, 'checks').ok).toBe(true);
  });
});

describe('inspector: parallel approvals on one phone', () => {
  it('10 approvals at once: each code page and trace.json show its own amount and payee', async () => {
    const t = await appForTest();
    const app = t;
    const transfers = Array.from({ length: 10 }, (_, i) => ({
      amount: `${100 + i}.00`,
      currency: 'EUR',
      payee: `Parallel Payee ${i} Ltd`,
    }));
    const smsOf = (payee: string) =>
      `Approve ${transfers.find((x) => x.payee === payee)!.amount} EUR to ${payee}? Code: ••••••`;
    const runs = await Promise.all(
      transfers.map(async (transfer) => {
        const agent = request.agent(app.app);
        expect((await submitTransfer(agent, transfer)).status).toBe(303);
        const code = await agent.get('/approvals/otp');
        return { agent, transfer, code: code.text };
      }),
    );
    for (const run of runs) {
      expect(run.code).toContain(smsOf(run.transfer.payee));
      for (const other of transfers.filter((x) => x !== run.transfer)) {
        expect(run.code).not.toContain(other.payee);
      }
    }
    for (const run of runs) {
      const message = app.emulator.handle
        .sms()
        .find((m) => m.text.includes(`to ${run.transfer.payee}?`))!;
      await submitCode(run.agent, message.otp);
      expect((await run.agent.get('/approvals/result')).text).toContain('Transfer approved');
    }
    const records = await app.approvals.listRecent(20);
    for (const run of runs) {
      const record = records.find((r) => r.payee === run.transfer.payee)!;
      const trace = await traceOf(run.agent, record.approvalId);
      expect(stepOf(trace, 'sms').summary).toBe(smsOf(run.transfer.payee));
    }
  }, 60_000);
});
