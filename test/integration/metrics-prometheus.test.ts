/**
 * Metrics as an operator gets them: Debian's Prometheus scrapes the real server process every
 * second during an approval, and the counters are read back through Prometheus's query API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { startAppProcess, type AppProcess } from '../../scripts/soak/app-process.js';
import { startApproval, uniqueTransfer } from '../../scripts/soak/approve.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';

const pingone = await pingoneForFile();
let app: AppProcess;
let prometheus: PrometheusServer;
let metricsUrl: string;
const transfer = uniqueTransfer(1);
const { payee } = transfer;

beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  app = await startAppProcess({
    ...pingone.env,
    METRICS_PORT: String(metricsPort),
    // One texted code per browser: a second approval from it is refused before PingOne is called.
    RATE_LIMIT_SMS: '1/100/100',
  });
  prometheus = await startPrometheus([`127.0.0.1:${metricsPort}`]);
  await prometheus.waitFor('up{job="txapproval"}', (s) => s[0]?.value === 1);

  const browser = new Browser(app.url);
  const codePage = await startApproval(browser, transfer);
  const otp = pingone.emulator.handle.sms().find((m) => m.text.includes(payee))!.otp;
  const wrong = await browser.post('/approvals/otp', {
    otp: otp === '000000' ? '111111' : '000000',
    _csrf: csrfOf(codePage.text),
  });
  expect(wrong.status).toBe(422);
  const right = await browser.post('/approvals/otp', { otp, _csrf: csrfOf(wrong.text) });
  expect(right.location).toBe('/approvals/result');
  const result = await browser.get('/approvals/result');
  expect(result.status).toBe(200);
  const again = await browser.get('/');
  const refused = await browser.post('/approvals', {
    ...transfer,
    amount: '251.00',
    _csrf: csrfOf(again.text),
  });
  expect(refused.status).toBe(429);
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await app?.stop();
});

const byStep = (series: Array<{ metric: Record<string, string>; value: number }>) =>
  Object.fromEntries(series.map((s) => [s.metric.step, s.value]));

describe('Prometheus scrapes the app', () => {
  it('counts every PingOne call by workflow step, status class and retry', async () => {
    const series = await prometheus.waitFor(
      'sum by (step) (txapproval_pingone_calls_total)',
      (s) => byStep(s)['18'] === 1 && byStep(s)['19'] !== undefined,
    );
    expect(byStep(series)).toMatchObject({ '16': 1, '17': 2, '18': 1 });
    expect(byStep(series)['19']).toBeGreaterThanOrEqual(1);
    const wrong = await prometheus.query(
      'txapproval_pingone_calls_total{step="17",step_name="otp.check",status_class="4xx"}',
    );
    expect(
      wrong.map((s) => [s.metric.method, s.metric.attempt, s.metric.will_retry, s.value]),
    ).toEqual([['POST', 'first', 'false', 1]]);
    const timed = await prometheus.query(
      'txapproval_pingone_call_duration_seconds_count{step="16",status_class="2xx"}',
    );
    expect(timed.map((s) => s.value)).toEqual([1]);
  });

  it('counts the rate-limit refusal by action and scope', async () => {
    const series = await prometheus.waitFor('txapproval_rate_limited_total', (s) => s.length > 0);
    expect(series.map((s) => [s.metric.action, s.metric.scope, s.value])).toEqual([
      ['sms', 'browser', 1],
    ]);
  });

  it('times the store operations, the approval written once', async () => {
    const written = await prometheus.waitFor(
      'txapproval_store_operation_duration_seconds_count{op="approval.createIfAbsent"}',
      (s) => s.length > 0,
    );
    expect(written.map((s) => [s.metric.backend, s.metric.outcome, s.value])).toEqual([
      ['sqlite', 'ok', 1],
    ]);
    const sessions = await prometheus.query(
      'sum(txapproval_store_operation_duration_seconds_count{op=~"session\\\\..*"})',
    );
    expect(sessions[0]!.value).toBeGreaterThan(5);
  });

  it('exports the process metrics and the approval counters', async () => {
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
      'txapproval_approvals_started_total',
      'txapproval_approvals_in_flight',
    ]) {
      const series = await prometheus.waitFor(name, (s) => s.length === 1);
      expect(Number.isFinite(series[0]!.value), name).toBe(true);
    }
  });

  it('serves /metrics only on its own listener, with no user data in it', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    const res = await fetch(metricsUrl);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('txapproval_pingone_calls_total{step="17"');
    for (const value of [
      payee,
      pingone.phone,
      pingone.phone.slice(2),
      pingone.env.PINGONE_USERNAME!,
    ]) {
      expect(text).not.toContain(value);
    }
    // Transfer ids, PingOne user ids (`sub`) and the environment id are all UUIDs.
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });
});
