import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { onCall, type CallEvent } from '../../src/pingone/call-events.js';
import {
  appForTest,
  latestOtp,
  recordingFetch,
  submitCode,
  submitTransfer,
} from '../helpers/app.js';

function listen(): CallEvent[] {
  const events: CallEvent[] = [];
  onTestFinished(onCall(undefined, (event) => events.push(event)));
  return events;
}

describe('pingone.call: one event per call, from the one call path', () => {
  it('an approval publishes authorize, otp.check, resume, discovery, token and jwks, each naming the transfer', async () => {
    const events = listen();
    const t = await appForTest();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const done = await submitCode(agent, latestOtp(t.emulator));
    expect(done.headers.location).toBe('/approvals/result');
    const [approval] = await t.approvals.listRecent(1);

    // Setup ran in this process too, on its own client: the app's calls are those of its client.
    const client = events.find((e) => e.step === 'authorize')!.client;
    const mine = events.filter((e) => e.client === client);
    const steps = mine.map((e) => e.step);
    for (const step of ['authorize', 'otp.check', 'resume', 'discovery', 'token', 'jwks']) {
      expect(steps, step).toContain(step);
    }
    // Discovery, JWKS and the worker token serve every approval; the rest serve this one.
    const shared = new Set(['discovery', 'jwks', 'worker token']);
    const flowCalls = mine.filter((e) => !shared.has(e.step));
    // The token call goes through openid-client and still carries the approval it serves.
    for (const e of flowCalls) expect(e.transactionId, e.step).toBe(approval!.transferId);
    expect(flowCalls.every((e) => typeof e.requestId === 'string')).toBe(true);
    // Each names its step of Ping's workflow, by number and name (src/pingone/workflow-steps.ts).
    const numbered = new Set(mine.map((e) => `${e.workflowStep} ${e.workflowStepName}`));
    expect([...numbered].sort()).toEqual(['16 authorize', '17 otp.check', '18 resume', '19 token']);
    const otp = mine.find((e) => e.step === 'otp.check')!;
    expect(otp).toMatchObject({ method: 'POST', status: 200, attempt: 1, willRetry: false });
    expect(otp.template).toMatch(/\/\{id\}\/flows\/\{id\}$/);
    expect(mine.find((e) => e.step === 'token')).toMatchObject({ method: 'POST', status: 200 });
    // The app's log has one line per event of its own client, and none of setup's.
    const logged = t.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'pingone.call')
      .map((l) => l.step);
    expect(logged).toEqual(steps);
  });

  it('a refused token call is an event with PingOne’s status and error id, and no secret', async () => {
    const events = listen();
    // Resume answers a code PingOne never issued: the token endpoint refuses it.
    const tamper = async (url: string, response: Response) => {
      if (!url.includes('/as/resume') || response.status !== 200) return response;
      const body = (await response.json()) as { authorizeResponse: { code: string } };
      body.authorizeResponse.code = 'not-a-real-code';
      return Response.json(body, { status: 200, headers: response.headers });
    };
    const t = await appForTest({ deps: { fetch: recordingFetch(tamper).fetch } });
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    await submitCode(agent, latestOtp(t.emulator));
    const token = events.find((e) => e.step === 'token')!;
    expect(token).toMatchObject({ status: 400, errorCode: 'invalid_grant', willRetry: false });
    expect(JSON.stringify(events)).not.toContain(t.config.pingone!.clientSecret);
  });

  it('a JWKS that PingOne cannot serve fails the token step as PingOne’s fault, retried once, nothing recorded', async () => {
    const events = listen();
    // The app's own retry policy (the test helper turns retries off).
    const t = await appForTest({ deps: { retry: { maxAttempts: 2, baseDelayMs: 10 } } });
    const env = t.config.pingone!.environmentId;
    t.emulator.handle.addFault({ path: `/${env}/as/jwks`, method: 'GET', status: 503, count: 2 });
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const failed = await submitCode(agent, latestOtp(t.emulator));
    expect([502, 503]).toContain(failed.status);
    expect(failed.text).toContain('Nothing was recorded');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
    const jwks = events.filter((e) => e.step === 'jwks');
    expect(jwks.map((e) => [e.status, e.willRetry])).toEqual([
      [503, true],
      [503, false],
    ]);
  });

  it('two approvals at once: each token call names its own transfer and request (AsyncLocalStorage)', async () => {
    const events = listen();
    const t = await appForTest();
    const first = request.agent(t.app);
    const second = request.agent(t.app);
    await submitTransfer(first);
    const firstOtp = latestOtp(t.emulator);
    await submitTransfer(second);
    const secondOtp = latestOtp(t.emulator);
    const done = await Promise.all([submitCode(first, firstOtp), submitCode(second, secondOtp)]);
    expect(done.map((res) => res.headers.location)).toEqual([
      '/approvals/result',
      '/approvals/result',
    ]);
    const transfers = new Set((await t.approvals.listRecent(2)).map((a) => a.transferId));
    expect(transfers.size).toBe(2);
    const tokens = events.filter((e) => e.step === 'token');
    expect(new Set(tokens.map((e) => e.transactionId))).toEqual(transfers);
    // Each token call's request is the one whose otp.check named the same transfer.
    for (const token of tokens) {
      const check = events.find(
        (e) => e.step === 'otp.check' && e.transactionId === token.transactionId,
      );
      expect(token.requestId).toBe(check!.requestId);
    }
  });

  it('discovery runs once for every approval, and again after it failed', async () => {
    const events = listen();
    const t = await appForTest();
    const env = t.config.pingone!.environmentId;
    const path = `/${env}/as/.well-known/openid-configuration`;
    t.emulator.handle.addFault({ path, method: 'GET', status: 503, count: 1 });
    const approve = async () => {
      const agent = request.agent(t!.app);
      await submitTransfer(agent);
      return submitCode(agent, latestOtp(t!.emulator));
    };
    const failed = await approve();
    // PingOne's 5xx: the PINGONE_ERROR page (src/approval/outcome.ts).
    expect(failed.status).toBe(502);
    expect(failed.text).toContain('Nothing was recorded');
    for (let i = 0; i < 2; i++)
      expect((await approve()).headers.location).toBe('/approvals/result');
    expect(await t.approvals.listRecent(10)).toHaveLength(2);
    const discoveries = events.filter((e) => e.step === 'discovery');
    expect(discoveries.map((e) => [e.status, e.workflowStep])).toEqual([
      [503, 19],
      [200, 19],
    ]);
  });
});
