import diagnostics_channel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_CHANNEL } from '../../../src/telemetry/approval-events.js';
import { countApprovals } from '../../../src/telemetry/approval-metrics.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/create-metrics.js';

const channel = diagnostics_channel.channel(APPROVAL_CHANNEL);
const stops: AbortController[] = [];

afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
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
    const events = [
      { kind: 'started', transferId: 't1' },
      { kind: 'sms-sent', transferId: 't1' },
      { kind: 'code-wrong', transferId: 't1' },
      { kind: 'code-accepted', transferId: 't1' },
      { kind: 'settled', transferId: 't1', outcome: 'approved' },
      { kind: 'settled', transferId: 't1', outcome: 'already-approved' },
      { kind: 'settled', transferId: 't2', outcome: 'declined' },
      { kind: 'settled', transferId: 't3', outcome: 'locked' },
      { kind: 'settled', transferId: 't4', outcome: 'expired', step: 17 },
      { kind: 'settled', transferId: 't5', outcome: 'failed', step: 18 },
      { kind: 'settled', transferId: 't6', outcome: 'failed', reason: 'store_failure' },
      { kind: 'settled', transferId: 't7', outcome: 'failed', reason: 'token_rejected', step: 19 },
      { kind: 'settled', transferId: 't8', outcome: 'failed', reason: 'PingOne answered FAILED.' },
    ];
    for (const event of events) channel.publish(event);
    expect(await value(metrics, 'txapproval_approvals_started_total')).toBe(1);
    expect(await value(metrics, 'txapproval_sms_sent_total')).toBe(1);
    expect(await value(metrics, 'txapproval_approval_wrong_codes_total')).toBe(1);
    expect(await value(metrics, 'txapproval_approvals_approved_total')).toBe(1);
    const refused = (reason: string, step = 'none') =>
      value(metrics, 'txapproval_approvals_refused_total', { reason, step });
    expect(await refused('declined')).toBe(1);
    expect(await refused('locked')).toBe(1);
    expect(await refused('expired', '17')).toBe(1);
    expect(await refused('pingone_failure', '18')).toBe(1);
    expect(await refused('store_failure')).toBe(1);
    expect(await refused('token_rejected', '19')).toBe(1);
    // A free-text reason never becomes a label value.
    expect(await refused('other')).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/t[1-8]"|FAILED\./);
  });

  it('ignores what is not an approval event', async () => {
    const metrics = counting();
    for (const message of [null, 'started', { kind: 'unknown' }, { kind: 42 }, []]) {
      channel.publish(message);
    }
    expect(await value(metrics, 'txapproval_approvals_started_total')).toBe(0);
  });

  it('in flight: started and not settled, forgotten after the flow lifetime', async () => {
    let now = 1_000_000;
    const metrics = counting(() => now, 60_000);
    channel.publish({ kind: 'started', transferId: 'a' });
    channel.publish({ kind: 'started', transferId: 'b' });
    // "Send a new code" starts the same transfer again: still one.
    channel.publish({ kind: 'started', transferId: 'a' });
    expect(await value(metrics, 'txapproval_approvals_in_flight')).toBe(2);
    channel.publish({ kind: 'settled', transferId: 'b', outcome: 'approved' });
    expect(await value(metrics, 'txapproval_approvals_in_flight')).toBe(1);
    now += 60_001;
    expect(await value(metrics, 'txapproval_approvals_in_flight')).toBe(0);
  });

  it('stops counting when its signal aborts', async () => {
    const metrics = counting();
    stops[0]!.abort();
    channel.publish({ kind: 'started', transferId: 'x' });
    expect(await value(metrics, 'txapproval_approvals_started_total')).toBe(0);
  });
});
