import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { onApprovalEvent, type ApprovalEvent } from '../../src/approval/approval-events.js';
import {
  appForTest,
  csrfOf,
  latestOtp,
  startedApproval,
  submitCode,
  submitTransfer,
  wrongCode,
} from '../helpers/app.js';

/**
 * The approval core's `approval.event` channel, heard as any subscriber hears it, over real
 * approvals against the emulator: what happened, in order, with the workflow's step numbers.
 */
function listen(): ApprovalEvent[] {
  const events: ApprovalEvent[] = [];
  onTestFinished(onApprovalEvent(undefined, (event) => events.push(event)));
  return events;
}

describe('approval.event', () => {
  it('one approval with a wrong code: every event in order, with its step, transfer and request', async () => {
    const t = await appForTest();
    const events = listen();
    const { agent, otp } = await startedApproval(t);
    expect((await submitCode(agent, wrongCode(otp))).status).toBe(422);
    const done = await submitCode(agent, otp);
    expect(done.headers.location).toBe('/approvals/result');

    expect(events.map((e) => [e.kind, 'step' in e ? e.step : undefined])).toEqual([
      ['started', 16],
      ['sms-sent', 16],
      ['code-wrong', 17],
      ['code-accepted', 17],
      ['resumed', 18],
      ['token-checked', 19],
      ['recorded', undefined],
      ['settled', undefined],
    ]);
    const transferId = events[0]!.transferId;
    expect(new Set(events.map((e) => e.transferId))).toEqual(new Set([transferId]));
    // One request id per request: the start, the wrong code, the right one.
    const requests = events.map((e) => e.requestId);
    expect(requests.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(requests).size).toBe(3);

    const [started, sms, wrong, , resumed, checked, recorded, settled] = events;
    expect(started).toMatchObject({
      responseMode: 'pi.flow',
      transfer: { amount: '250.00', currency: 'EUR', payee: 'Bob Example Ltd' },
      authorize: {
        client_id: t.config.pingone!.clientId,
        acr_values: t.config.pingone!.policyName,
      },
      requestObject: { claims: { sub: t.config.pingone!.username } },
    });
    expect(sms).toMatchObject({ maskedPhone: '•••• 0100', userId: t.userId });
    expect(wrong).toMatchObject({ locked: false, attemptsLeft: expect.any(Number) });
    expect(wrong).toHaveProperty('audit.clientAddress');
    expect(resumed).toMatchObject({ via: 'resume', stateEchoed: true });
    expect(checked).toMatchObject({
      verdict: 'accepted',
      claims: { sub: t.userId, acr: t.config.pingone!.policyName, amr: ['otp'] },
      expected: { sub: t.userId, aud: t.config.pingone!.clientId },
    });
    const record = await t.approvals.get(transferId);
    expect(recorded).toMatchObject({ created: true, approvalId: record!.approvalId });
    expect(settled).toMatchObject({ outcome: 'approved', reason: 'recorded' });
  });

  it('a subscriber that throws fails neither the approval nor the process', async () => {
    const t = await appForTest();
    const events = listen();
    const off = onApprovalEvent(undefined, () => {
      throw new Error('a broken subscriber');
    });
    try {
      const agent = request.agent(t.app);
      await submitTransfer(agent);
      await submitCode(agent, latestOtp(t.emulator));
      expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
      expect(events.at(-1)).toMatchObject({ kind: 'settled', outcome: 'approved' });
    } finally {
      off();
    }
  });

  it('PingOne failing: pingone-failed at its step; transient settles nothing, a refusal settles failed', async () => {
    const t = await appForTest();
    const events = listen();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    t.emulator.handle.addFault({
      method: 'POST',
      path: `/${t.emulator.environmentId}/flows/:flowId`,
      status: 500,
      body: { id: 'e5000000-0000-4000-8000-000000000500', code: 'UNEXPECTED_ERROR' },
    });
    expect((await submitCode(agent, latestOtp(t.emulator))).status).toBe(502);
    expect(events.at(-1)).toMatchObject({
      kind: 'pingone-failed',
      step: 17,
      call: 'otp.check',
      transient: true,
      pingone: { status: 500, code: 'UNEXPECTED_ERROR' },
    });

    events.length = 0;
    const errorId = 'e4000000-0000-4000-8000-000000000400';
    t.emulator.handle.addFault({
      path: `/${t.emulator.environmentId}/as/authorize`,
      status: 400,
      body: { id: errorId, code: 'INVALID_REQUEST', message: 'nope' },
    });
    const other = request.agent(t.app);
    expect((await submitTransfer(other)).headers.location).toBe('/approvals/result');
    expect(events.map((e) => e.kind)).toEqual(['started', 'pingone-failed', 'settled']);
    expect(events[1]).toMatchObject({ step: 16, call: 'authorize', transient: false });
    expect(events[2]).toMatchObject({
      outcome: 'failed',
      reason: 'pingone_refused',
      step: 16,
      pingoneErrorId: errorId,
    });
  });

  it('cancelled on the code page: settled declined, reason cancelled', async () => {
    const t = await appForTest();
    const events = listen();
    const agent = request.agent(t.app);
    await submitTransfer(agent);
    const page = await agent.get('/approvals/otp');
    const res = await agent
      .post('/approvals/cancel')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(res.headers.location).toBe('/approvals/result');
    expect(events.at(-1)).toMatchObject({
      kind: 'settled',
      outcome: 'declined',
      reason: 'cancelled',
    });
  });
});
