import { afterEach, describe, expect, it } from 'vitest';
import { publishCall, type CallEvent } from '../../../src/pingone/call-events.js';
import { countCalls, createMetrics, statusClass } from '../../../src/telemetry/metrics.js';

const stop = new AbortController();
afterEach(() => stop.abort());

const base: CallEvent = {
  client: 1,
  step: 'otp.check',
  method: 'POST',
  url: 'https://auth.example/env/flows/f',
  template: 'https://auth.example/{id}/flows/{id}',
  durationMs: 120,
  attempt: 1,
  willRetry: false,
};

describe('PingOne call metrics from the pingone.call channel', () => {
  it('labels each attempt by step, method, status class and retry', async () => {
    const metrics = createMetrics();
    countCalls(metrics, stop.signal);
    publishCall({ ...base, status: 400 });
    publishCall({ ...base, step: 'resume', method: 'GET', durationMs: 30, willRetry: true });
    publishCall({ ...base, step: 'resume', method: 'GET', status: 200, attempt: 2 });
    // The call path names the step itself (src/pingone/workflow-steps.ts): that number wins.
    publishCall({
      ...base,
      step: 'create application',
      workflowStep: 1,
      workflowStepName: 'application',
      status: 201,
    } as CallEvent);
    publishCall({ ...base, step: 'something new', method: 'OPTIONS', status: 204 });
    const { values } = await metrics.pingoneCalls.get();
    expect(values.map((v) => ({ ...v.labels, value: v.value }))).toEqual([
      {
        step: '17',
        step_name: 'otp.check',
        method: 'POST',
        status_class: '4xx',
        attempt: 'first',
        will_retry: 'false',
        value: 1,
      },
      {
        step: '18',
        step_name: 'resume',
        method: 'GET',
        status_class: 'none',
        attempt: 'first',
        will_retry: 'true',
        value: 1,
      },
      {
        step: '18',
        step_name: 'resume',
        method: 'GET',
        status_class: '2xx',
        attempt: 'retry',
        will_retry: 'false',
        value: 1,
      },
      {
        step: '1',
        step_name: 'application',
        method: 'POST',
        status_class: '2xx',
        attempt: 'first',
        will_retry: 'false',
        value: 1,
      },
      {
        step: 'none',
        step_name: 'none',
        method: 'other',
        status_class: '2xx',
        attempt: 'first',
        will_retry: 'false',
        value: 1,
      },
    ]);
    const seconds = await metrics.pingoneCallSeconds.get();
    const sum = seconds.values.find(
      (v) => v.metricName?.endsWith('_sum') && v.labels.step === '17',
    );
    expect(sum?.value).toBeCloseTo(0.12);
  });

  it('status classes', () => {
    expect([undefined, 99, 200, 302, 404, 503, 600].map(statusClass)).toEqual([
      'none',
      'none',
      '2xx',
      '3xx',
      '4xx',
      '5xx',
      'none',
    ]);
  });
});
