import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  appForTest,
  latestOtp,
  startedApproval,
  submitCode,
  submitTransfer,
  wrongCode,
  type Agent,
  type TestApp,
} from '../helpers/app.js';

const LONG_AGENT = `AuditBrowser/1.0 (${'x'.repeat(300)})`;

function events(app: TestApp, event: string): Record<string, unknown>[] {
  return app.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === event);
}

/** A browser that sends the same forwarded address and user agent on every request. */
function browser(app: TestApp, forwardedFor: string): Agent {
  return request.agent(app.app).set('X-Forwarded-For', forwardedFor).set('User-Agent', LONG_AGENT);
}

describe('audit trail: wrong codes and recorded approvals name the client', () => {
  it('behind a trusted proxy: clientAddress is the forwarded client, userAgent is cut to 200', async () => {
    const t = await appForTest({ env: { TRUST_PROXY: 'loopback' } });
    const agent = browser(t, '203.0.113.7');
    expect((await submitTransfer(agent)).headers.location).toBe('/approvals/otp');
    const otp = latestOtp(t.emulator);
    expect((await submitCode(agent, wrongCode(otp))).status).toBe(422);
    expect((await submitCode(agent, otp)).headers.location).toBe('/approvals/result');

    const expected = { clientAddress: '203.0.113.7', userAgent: LONG_AGENT.slice(0, 200) };
    const [wrong, ...more] = events(t, 'otp.wrong');
    expect(more).toEqual([]);
    expect(wrong).toMatchObject({ ...expected, locked: false, attemptsLeft: 2 });
    const [recorded] = events(t, 'approval.recorded');
    expect(recorded).toMatchObject({ ...expected, created: true });
    // Nothing of the code in either line.
    expect(JSON.stringify([wrong, recorded])).not.toContain(otp);
  });

  it('without TRUST_PROXY a client’s X-Forwarded-For is not believed; the locking code is logged too', async () => {
    const t = await appForTest();
    const agent = browser(t, '198.51.100.9');
    expect((await submitTransfer(agent)).headers.location).toBe('/approvals/otp');
    const otp = latestOtp(t.emulator);
    for (let i = 0; i < 3; i++) await submitCode(agent, wrongCode(otp));
    const wrong = events(t, 'otp.wrong');
    expect(wrong.map((l) => l.locked)).toEqual([false, false, true]);
    for (const line of wrong) {
      expect(line.clientAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
      expect(line.userAgent).toBe(LONG_AGENT.slice(0, 200));
    }
    expect(events(t, 'approval.recorded')).toEqual([]);
  });
});

describe('the approval’s own lines (an approval.event subscriber)', () => {
  it('one approval: flow.started, otp.wrong, approval.recorded, flow.settled, each with reqId and transferId', async () => {
    const t = await appForTest();
    const { agent, otp } = await startedApproval(t);
    await submitCode(agent, wrongCode(otp));
    await submitCode(agent, otp);
    const [settled] = events(t, 'flow.settled');
    expect(settled).toMatchObject({ level: 30, outcome: 'approved', reason: 'recorded' });
    for (const name of ['flow.started', 'otp.wrong', 'approval.recorded', 'flow.settled']) {
      const [line] = events(t, name);
      expect(line, name).toMatchObject({
        reqId: expect.any(String),
        transferId: settled!.transferId,
      });
    }
  });

  it('authorize answering a status other than OTP_REQUIRED: flow.settled at warn, with the status', async () => {
    const t = await appForTest();
    t.emulator.handle.addFault({
      path: `/${t.emulator.environmentId}/as/authorize`,
      status: 200,
      body: { id: 'f1', status: 'MFA_REQUIRED' },
    });
    const agent = request.agent(t.app);
    expect((await submitTransfer(agent)).headers.location).toBe('/approvals/result');
    expect(events(t, 'flow.settled')).toEqual([
      expect.objectContaining({
        level: 40,
        outcome: 'failed',
        reason: 'unexpected_status',
        workflowStep: 16,
        flowStatus: 'MFA_REQUIRED',
      }),
    ]);
  });
});
