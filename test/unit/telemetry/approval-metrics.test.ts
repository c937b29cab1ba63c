import { afterEach, describe, expect, it } from 'vitest';
import {
  publishApproval,
  type EventBody,
  type SettleReason,
} from '../../../src/approval/approval-events.js';
import type { Outcome } from '../../../src/approval/session-state.js';
import { countApprovals, createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

const stops: AbortController[] = [];

afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

/** The core's own publisher and event shapes: the counters read what the approval core tells. */
function publish(transferId: string, body: EventBody): void {
  publishApproval({ client: 1, transferId, requestId: 'req' }, () => body);
}

const started = (): EventBody => ({
  kind: 'started',
  step: 16,
  responseMode: 'pi.flow',
  transfer: { amount: '1.00', currency: 'EUR', payee: 'Payee', fromAccount: 'acc', hash: 'h' },
  authorize: { client_id: 'c', redirect_uri: 'r', scope: 'openid', acr_values: 'p', max_age: 0 },
  requestObject: { header: {}, claims: {} },
});
const audit = { clientAddress: '127.0.0.1', userAgent: 'test' };
const settled = (outcome: Outcome, reason: SettleReason, step?: 16 | 17 | 18 | 19): EventBody => ({
  kind: 'settled',
  outcome,
  reason,
  ...(step && { step }),
});

function counting(now = () => Date.now(), inFlightMs?: number): Metrics {
  const metrics = createMetrics();
  const stop = new AbortController();
  stops.push(stop);
  countApprovals(metrics, { now, ...(inFlightMs !== undefined && { inFlightMs }) }, stop.signal);
  return metrics;
}

async function value(metrics: Metrics, name: string, labels: Record<string, string> = {}) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
  );
  return match?.value ?? 0;
}

describe('approval counters from the approval.event channel', () => {
  it('counts started, SMS sent, wrong codes, approved and each refusal reason', async () => {
    const metrics = counting();
    publish('t1', started());
    publish('t1', { kind: 'sms-sent', step: 16, cookieNames: ['ST'] });
    publish('t1', { kind: 'code-wrong', step: 17, locked: false, attemptsLeft: 2, audit });
    publish('t1', { kind: 'code-accepted', step: 17, carriesResponse: false });
    publish('t1', settled('approved', 'recorded'));
    publish('t1', settled('already-approved', 'already_recorded'));
    publish('t2', settled('declined', 'cancelled'));
    publish('t3', settled('locked', 'locked', 17));
    publish('t4', settled('expired', 'code_expired', 17));
    publish('t5', settled('failed', 'pingone_refused', 18));
    publish('t6', settled('failed', 'store_failure'));
    publish('t7', settled('failed', 'token_rejected', 19));
    publish('t8', {
      kind: 'pingone-failed',
      step: 17,
      call: 'otp.check',
      transient: true,
      pingone: { code: 'UNEXPECTED_ERROR', status: 500 },
    });
    expect(await value(metrics, 'txapproval_approvals_started_total')).toBe(1);
    expect(await value(metrics, 'txapproval_sms_sent_total')).toBe(1);
    expect(await value(metrics, 'txapproval_approval_wrong_codes_total')).toBe(1);
    expect(await value(metrics, 'txapproval_approvals_approved_total')).toBe(1);
    const refused = (reason: string, step = 'none') =>
      value(metrics, 'txapproval_approvals_refused_total', { reason, step });
    expect(await refused('cancelled')).toBe(1);
    expect(await refused('locked', '17')).toBe(1);
    expect(await refused('code_expired', '17')).toBe(1);
    expect(await refused('pingone_refused', '18')).toBe(1);
    expect(await refused('store_failure')).toBe(1);
    expect(await refused('token_rejected', '19')).toBe(1);
    // A transient failure settles nothing: counted as met, not as a refusal.
    expect(
      await value(metrics, 'txapproval_approval_pingone_failures_total', {
        step: '17',
        call: 'otp.check',
        transient: 'true',
      }),
    ).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/t[1-8]"|Payee|127\.0\.0\.1/);
  });

  it('in flight: started and not settled, forgotten after the flow lifetime', async () => {
    let now = 1_000_000;
    const metrics = counting(() => now, 60_000);
    publish('a', started());
    publish('b', started());
    // "Send a new code" starts the same transfer again: still one.
    publish('a', started());
    expect(await value(metrics, 'txapproval_approvals_in_flight')).toBe(2);
    publish('b', settled('approved', 'recorded'));
    expect(await value(metrics, 'txapproval_approvals_in_flight')).toBe(1);
    now += 60_001;
    expect(await value(metrics, 'txapproval_approvals_in_flight')).toBe(0);
  });

  it('stops counting when its signal aborts', async () => {
    const metrics = counting();
    stops[0]!.abort();
    publish('x', started());
    expect(await value(metrics, 'txapproval_approvals_started_total')).toBe(0);
  });
});
