import { decodeJwt } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  TRANSFER,
  appForTest,
  completeHostedSignOn,
  csrfOf,
  latestOtp,
  recordingFetch,
  submitCode,
  submitTransfer,
  type Agent,
  type TestApp,
} from '../helpers/app.js';

/** The app's clock and the emulator's, moved together (request JWTs and token checks stay current). */
function movingClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(app: TestApp, ms: number) {
      app.emulator.handle.advanceTime(ms);
      offset += ms;
    },
  };
}

/** POST /approvals for another transfer in the same browser; answers the redirect to PingOne. */
async function startAnother(agent: Agent, payee: string): Promise<string> {
  const page = await agent.get('/');
  const res = await agent
    .post('/approvals')
    .type('form')
    .send({ ...TRANSFER, payee, _csrf: csrfOf(page.text) });
  expect(res.status).toBe(303);
  return res.headers.location!;
}

/** A first hosted approval with a code; the browser keeps its cookies at PingOne's origin. */
async function approveHostedOnce(app: TestApp) {
  const agent = request.agent(app.app);
  const browserAtPingOne = new Map<string, string>();
  const first = (await submitTransfer(agent)).headers.location!;
  const back = await completeHostedSignOn(first, latestOtp, app.emulator, browserAtPingOne);
  expect((await agent.get(back)).headers.location).toBe('/approvals/result');
  expect(browserAtPingOne.has('ST')).toBe(true);
  return { agent, browserAtPingOne };
}

function tokenRejections(app: TestApp) {
  return app.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === 'token.rejected');
}

describe('freshness: an approval rests on an authentication made for it', () => {
  it('authorize sends max_age=0, in the query and inside the signed request object', async () => {
    const recorder = recordingFetch();
    const t = await appForTest({ deps: { fetch: recorder.fetch } });
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const authorize = recorder.calls.find((c) => c.url.includes('/as/authorize'))!;
    const query = new URL(authorize.url).searchParams;
    expect(query.get('max_age')).toBe('0');
    expect(decodeJwt(query.get('request')!).max_age).toBe(0);
    expect((await submitCode(agent, latestOtp(t.emulator))).headers.location).toBe(
      '/approvals/result',
    );
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
  });

  it('hosted: a second approval in the same browser needs a new code, although PingOne’s session cookie is sent', async () => {
    const clock = movingClock();
    const t = await appForTest({ approvalUi: 'hosted', deps: { now: clock.now } });
    const { agent, browserAtPingOne } = await approveHostedOnce(t);

    clock.advance(t, 60_000);
    const second = await startAnother(agent, 'Second Payee Ltd');
    expect(new URL(second).searchParams.get('max_age')).toBe('0');
    const again = await completeHostedSignOn(second, latestOtp, t.emulator, browserAtPingOne);
    expect((await agent.get(again)).headers.location).toBe('/approvals/result');
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
    expect(t.emulator.handle.sms()).toHaveLength(2);
    const records = await t.approvals.listRecent(10);
    expect(records.map((r) => r.payee)).toEqual(['Second Payee Ltd', TRANSFER.payee]);
    expect(records[0]!.evidence.authTime).toBeGreaterThan(records[1]!.evidence.authTime! + 59);
  });

  it('hosted, PingOne answering from the earlier sign-on anyway: the old auth_time is refused, nothing recorded', async () => {
    const clock = movingClock();
    const t = await appForTest({
      approvalUi: 'hosted',
      variants: { ignoreReauthentication: true },
      deps: { now: clock.now },
    });
    const { agent, browserAtPingOne } = await approveHostedOnce(t);

    clock.advance(t, 60_000);
    const second = await startAnother(agent, 'Second Payee Ltd');
    const again = await completeHostedSignOn(
      second,
      () => {
        throw new Error('PingOne asked for a code: the SSO session was not used');
      },
      t.emulator,
      browserAtPingOne,
    );
    expect(t.emulator.handle.sms()).toHaveLength(1);
    expect((await agent.get(again)).headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer not approved');
    expect(result.text).toContain('did not pass our checks');
    expect((await t.approvals.listRecent(10)).map((r) => r.payee)).toEqual([TRANSFER.payee]);
    expect(tokenRejections(t).map((l) => l.reason)).toEqual([
      expect.stringMatching(/^auth_time is 6\d s before this flow started/),
    ]);
  });

  it('own form: the server never sends PingOne’s session cookies to authorize, so each approval texts a code', async () => {
    const t = await appForTest({ variants: { ignoreReauthentication: true } });
    const agent = request.agent(t.app);
    for (const payee of [TRANSFER.payee, 'Second Payee Ltd']) {
      const started = await submitTransfer(agent, { ...TRANSFER, payee });
      expect(started.headers.location).toBe('/approvals/otp');
      expect((await submitCode(agent, latestOtp(t.emulator))).headers.location).toBe(
        '/approvals/result',
      );
    }
    expect(t.emulator.handle.sms()).toHaveLength(2);
    expect(await t.approvals.listRecent(10)).toHaveLength(2);
  });
});
