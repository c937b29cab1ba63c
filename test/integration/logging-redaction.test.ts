import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  appForTest,
  latestOtp,
  recordingFetch,
  startedApproval,
  submitCode,
  submitTransfer,
  wrongCode,
} from '../helpers/app.js';
import { bodyRecordingFetch, cookieValue, wireSecrets } from '../helpers/wire-secrets.js';

describe('logs', () => {
  it('over an approval and two failures: no secret, OTP, cookie, code, verifier, token or request JWT', async () => {
    const recorder = recordingFetch();
    const sent = bodyRecordingFetch(recorder.fetch);
    const t = await appForTest({ deps: { fetch: sent.fetch } });
    const agent = request.agent(t.app);

    // An approval with a wrong code first (a failure PingOne answers 400 to).
    const started = await submitTransfer(agent);
    const sessionCookie = cookieValue(String(started.headers['set-cookie']));
    const otp = latestOtp(t.emulator);
    await submitCode(agent, wrongCode(otp));
    await submitCode(agent, otp);
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');

    // A second transfer that PingOne fails with a 500 and an error id.
    t.emulator.handle.addFault({
      method: 'POST',
      path: '/:env/flows/:flowId',
      status: 500,
      body: { id: 'log-test-error-id', code: 'UNEXPECTED_ERROR', message: 'boom' },
    });
    const second = request.agent(t.app);
    const secondStart = await submitTransfer(second, {
      amount: '9.99',
      currency: 'EUR',
      payee: 'Second Ltd',
    });
    const secondCookie = cookieValue(String(secondStart.headers['set-cookie']));
    const secondOtp = latestOtp(t.emulator);
    const failed = await submitCode(second, secondOtp);
    expect(failed.status).toBeGreaterThanOrEqual(400);

    const secrets = new Map<string, string>([
      ['client secret', t.config.pingone!.clientSecret],
      ['session secret', t.config.sessionSecret],
      ['OTP', otp],
      ['wrong OTP', wrongCode(otp)],
      ['OTP of the failed flow', secondOtp],
      ['session cookie', sessionCookie],
      ['session cookie, decoded', decodeURIComponent(sessionCookie)],
      ['second session cookie', secondCookie],
    ]);
    for (const [name, value] of wireSecrets(recorder.calls, sent.bodies)) secrets.set(name, value);
    expect([...secrets.keys()]).toEqual(
      expect.arrayContaining([
        'access token',
        'ID token',
        'authorization code',
        'request (authorize)',
        'PKCE verifier',
      ]),
    );

    const text = t.logs.join('\n');
    for (const [name, secret] of secrets) {
      expect(secret?.length, name).toBeGreaterThan(5);
      expect(text.includes(secret), `${name} is in the logs`).toBe(false);
    }

    // The failure is there, with what PingOne support needs, and one line per PingOne call.
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = lines.filter((l) => l.event === 'pingone.call');
    expect(calls.map((l) => l.step)).toEqual(
      expect.arrayContaining(['authorize', 'otp.check', 'resume', 'token']),
    );
    expect(calls.length).toBe(recorder.calls.length);
    expect(calls.find((l) => l.step === 'otp.check' && l.status === 500)).toMatchObject({
      level: 40,
      pingoneErrorId: 'log-test-error-id',
      durationMs: expect.any(Number),
      reqId: expect.any(String),
    });
    expect(calls.find((l) => l.step === 'otp.check' && l.status === 400)).toMatchObject({
      level: 40,
      errorCode: expect.any(String),
    });
  });

  it('an upstream error whose message holds the OTP and the client secret is logged without them', async () => {
    const t = await appForTest();
    const { agent, otp } = await startedApproval(t);
    const clientSecret = t.config.pingone!.clientSecret;
    // PingOne (or a proxy in front of it) echoing what it was sent, in fields no path names.
    t.emulator.handle.addFault({
      method: 'POST',
      path: '/:env/flows/:flowId',
      status: 500,
      body: {
        id: 'echo-error-id',
        code: 'UNEXPECTED_ERROR',
        message: `otp ${otp} refused for client secret ${clientSecret}`,
      },
    });
    const failed = await submitCode(agent, otp);
    expect(failed.status).toBe(502);
    expect(failed.text).not.toContain(otp);
    expect(failed.text).not.toContain(clientSecret);
    const text = t.logs.join('\n');
    // The failure is logged with PingOne's error id and code; its free text reaches no line,
    // since the approval.event and pingone.call events carry PingOne's codes only.
    expect(text).toContain('echo-error-id');
    expect(text).toContain('UNEXPECTED_ERROR');
    expect(text.includes(otp), 'the OTP is in the logs').toBe(false);
    expect(text.includes(clientSecret), 'the client secret is in the logs').toBe(false);
    expect(text.includes(t.config.sessionSecret), 'the session secret is in the logs').toBe(false);
    // Flow ids are masked in `url` the way docs/operations.md shows it, and in error messages.
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const check = lines.find((l) => l.event === 'pingone.call' && l.step === 'otp.check');
    expect(check?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\{env\}\/flows\/\{flowId\}$/);
    expect(text).not.toMatch(/\/flows\/[0-9a-f]{8}-/);
  });

  it('every flow and token call of one approval carries X-Ping-External-Transaction-ID = the transfer id, and so does its log line', async () => {
    const recorder = recordingFetch();
    const t = await appForTest({ deps: { fetch: recorder.fetch } });
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    await submitCode(agent, latestOtp(t.emulator));
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
    const [approval] = await t.approvals.listRecent(1);
    const transferId = approval!.transferId;

    const flowCalls = recorder.calls.filter((c) => !c.url.includes('/.well-known/'));
    expect(flowCalls.map((c) => new URL(c.url).pathname.split('/').slice(-1)[0])).toEqual(
      expect.arrayContaining(['authorize', 'resume', 'token']),
    );
    for (const call of flowCalls) {
      expect(call.requestHeaders['x-ping-external-transaction-id'], call.url).toBe(transferId);
    }
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const line of lines.filter((l) => l.event === 'pingone.call' && l.step !== 'discovery')) {
      expect(line).toMatchObject({ transactionId: transferId, status: expect.any(Number) });
    }
  });
});
