/**
 * Traces end to end: the real server process exports OTLP/HTTP to a receiver on loopback, and
 * the trace of an approval, of a wrong code and of a PingOne failure has the shape an operator
 * relies on: one root, the request spans under it, the PingOne steps in order under them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { startAppProcess, type AppProcess } from '../../scripts/soak/app-process.js';
import { uniqueTransfer } from '../../scripts/soak/approve.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../helpers/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let receiver: OtlpReceiver;
const pingone = await pingoneForFile();
let app: AppProcess;
/** Every code and cookie the test saw: none may reach a span. */
const secrets = new Set<string>();
/** Approvals started so far: each gets a payee of its own. */
let approvals = 0;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  app = await startAppProcess({
    ...pingone.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SERVICE_NAME: 'txapproval-test',
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

function traceparent(): { header: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { header: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

function otpFor(text: string): string {
  const message = pingone.emulator.handle.sms().find((m) => m.text.includes(text));
  if (!message) throw new Error(`no SMS names ${text}`);
  secrets.add(message.otp);
  return message.otp;
}

/**
 * A new browser: GET /, then POST /approvals for a payee of its own with a fresh traceparent;
 * answers the code page with what the test needs to go on.
 */
async function start() {
  const browser = new Browser(app.url);
  const to = uniqueTransfer(++approvals).payee;
  secrets.add(to);
  const first = traceparent();
  const form = await browser.get('/');
  const started = await browser.post(
    '/approvals',
    { amount: '250.00', currency: 'EUR', payee: to, _csrf: csrfOf(form.text) },
    { traceparent: first.header },
  );
  expect(started.location).toBe('/approvals/otp');
  for (const value of browser.cookieHeader().split('; ')) secrets.add(value.split('=')[1]!);
  return { browser, to, first, codePage: await browser.get('/approvals/otp') };
}

/** The trace `traceId` once its spans stopped changing: `count` request spans and their calls. */
async function traceOf(traceId: string, requests: number) {
  const spans = await receiver.waitFor(
    (all) => all.filter((s) => s.traceId === traceId && s.kind === SERVER).length >= requests,
  );
  return spans.filter((s) => s.traceId === traceId);
}

/** Checks the shape shared by every approval trace; answers its PingOne calls in order. */
function checkShape(spans: ReceivedSpan[], remoteParent: string) {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => !ids.has(s.parentSpanId));
  expect(roots.map((s) => s.name)).toEqual(['POST /approvals']);
  expect(roots[0]!.parentSpanId).toBe(remoteParent);
  const requests = spans.filter((s) => s.kind === SERVER);
  for (const request of requests.filter((s) => s !== roots[0])) {
    expect(request.parentSpanId).toBe(roots[0]!.spanId);
  }
  const calls = spans
    .filter((s) => s.kind === CLIENT)
    .sort((a, b) => Number(a.startNs - b.startNs));
  const requestIds = new Set(requests.map((s) => s.spanId));
  for (const call of calls) expect(requestIds.has(call.parentSpanId)).toBe(true);
  for (const s of spans) expect(s.resource['service.name']).toBe('txapproval-test');
  return calls;
}

/** The steps in the order they ran, a retried or repeated step once per run of it. */
function steps(calls: ReceivedSpan[]): number[] {
  return calls
    .map((c) => c.attributes['pingone.workflow.step'] as number)
    .filter((step, i, all) => i === 0 || all[i - 1] !== step);
}

describe('traces over OTLP/HTTP', () => {
  it('an approval is one trace: the incoming traceparent continued, a later one a link', async () => {
    const { browser, to, first, codePage } = await start();
    const later = traceparent();
    const submitted = await browser.post(
      '/approvals/otp',
      { otp: otpFor(to), _csrf: csrfOf(codePage.text) },
      { traceparent: later.header },
    );
    expect(submitted.location).toBe('/approvals/result');
    expect((await browser.get('/approvals/result')).status).toBe(200);

    const spans = await traceOf(first.traceId, 4);
    const calls = checkShape(spans, first.spanId);
    expect(spans.filter((s) => s.kind === SERVER).map((s) => s.name)).toEqual([
      'POST /approvals',
      'GET /approvals/otp',
      'POST /approvals/otp',
      'GET /approvals/result',
    ]);
    expect(steps(calls)).toEqual([16, 17, 18, 19]);
    expect(calls[0]!.name).toBe('pingone 16 authorize');
    // Every call of the approval reached PingOne with the trace: its parent is the request served.
    const requestSpans = new Set(spans.filter((s) => s.kind === SERVER).map((s) => s.spanId));
    const seen = pingone.emulator.handle
      .requests()
      .filter((r) => r.traceparent?.split('-')[1] === first.traceId);
    expect(seen.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, '{id}')}`)).toEqual(
      expect.arrayContaining([
        'GET /{id}/as/authorize',
        'POST /{id}/flows/{id}',
        'POST /{id}/as/token',
      ]),
    );
    for (const r of seen) expect(requestSpans.has(r.traceparent!.split('-')[2]!)).toBe(true);
    expect(calls.find((c) => c.name === 'pingone 17 otp.check')?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'pingone.attempt': 1,
      'pingone.will_retry': false,
      'url.template': '/{id}/flows/{id}',
    });
    const code = spans.find((s) => s.name === 'POST /approvals/otp')!;
    expect(code.links).toEqual([{ traceId: later.traceId, spanId: later.spanId }]);
    expect(code.attributes).toMatchObject({ 'http.response.status_code': 303 });
    // The form before the approval is a trace of its own, a root without a parent.
    const form = receiver.spans.filter((s) => s.name === 'GET /' && !s.parentSpanId);
    expect(form.length).toBeGreaterThan(0);
  });

  it('a wrong code: otp.check twice, the first an error with its status', async () => {
    const { browser, to, first, codePage } = await start();
    const otp = otpFor(to);
    const wrong = otp === '000000' ? '111111' : '000000';
    secrets.add(wrong);
    const refused = await browser.post('/approvals/otp', {
      otp: wrong,
      _csrf: csrfOf(codePage.text),
    });
    expect(refused.status).toBe(422);
    const submitted = await browser.post('/approvals/otp', { otp, _csrf: csrfOf(refused.text) });
    expect(submitted.location).toBe('/approvals/result');

    const spans = await traceOf(first.traceId, 4);
    const calls = checkShape(spans, first.spanId);
    const checks = calls.filter((c) => c.attributes['pingone.workflow.step'] === 17);
    expect(checks.map((c) => c.attributes['http.response.status_code'])).toEqual([400, 200]);
    expect(checks[0]!.status).toBe(ERROR);
    expect(checks[0]!.attributes['error.type']).toBe('INVALID_DATA');
    expect(checks[0]!.attributes['pingone.error_id']).toEqual(expect.any(String));
    expect(calls.map((c) => c.attributes['pingone.workflow.step'])).toEqual(
      expect.arrayContaining([16, 17, 17, 18, 19]),
    );
    expect(steps(calls)).toEqual([16, 17, 18, 19]);
  });

  it('a PingOne failure: the failing step is an error span with PingOne’s error id', async () => {
    const { browser, to, first, codePage } = await start();
    const errorId = `trace-test-${randomBytes(4).toString('hex')}`;
    pingone.emulator.handle.addFault({
      method: 'POST',
      path: '/:env/flows/:flowId',
      status: 500,
      body: { id: errorId, code: 'UNEXPECTED_ERROR', message: 'injected' },
    });
    const failed = await browser.post('/approvals/otp', {
      otp: otpFor(to),
      _csrf: csrfOf(codePage.text),
    });
    expect(failed.status).toBe(502);

    const spans = await traceOf(first.traceId, 3);
    const calls = checkShape(spans, first.spanId);
    expect(steps(calls)).toEqual([16, 17]);
    expect(calls.at(-1)!.attributes).toMatchObject({
      'http.response.status_code': 500,
      'pingone.error_id': errorId,
      'error.type': 'UNEXPECTED_ERROR',
    });
    expect(calls.at(-1)!.status).toBe(ERROR);
    const request = spans.find((s) => s.name === 'POST /approvals/otp')!;
    expect(request.status).toBe(ERROR);
    expect(request.attributes['http.response.status_code']).toBe(502);
  });

  it('no span carries a code, cookie, secret, token, payee or phone', async () => {
    await receiver.waitFor((all) => all.length > 0);
    const forbidden = [
      ...secrets,
      pingone.env.PINGONE_CLIENT_SECRET!,
      pingone.env.SESSION_SECRET!,
      pingone.phone,
      pingone.phone.replace('+', ''),
      pingone.env.PINGONE_USERNAME!,
    ].filter((value) => value && value.length >= 6);
    const found: string[] = [];
    // A code is digits: it is looked for as a whole value, not inside a nanosecond timestamp.
    const isCode = (secret: string) => /^\d+$/.test(secret);
    const visit = (value: unknown, path: string) => {
      if (typeof value === 'string') {
        for (const secret of forbidden) {
          if (isCode(secret) ? value === secret : value.includes(secret)) {
            found.push(`${path}: ${secret}`);
          }
        }
        if (/eyJ[A-Za-z0-9_-]{10,}|Bearer |Basic /.test(value)) found.push(`${path}: a token`);
      } else if (typeof value === 'number') {
        if (forbidden.includes(String(value))) found.push(`${path}: ${value}`);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
      }
    };
    receiver.bodies.forEach((body, i) => visit(JSON.parse(body), `body${i}`));
    expect(receiver.spans.length).toBeGreaterThan(10);
    expect(found).toEqual([]);
  });
});
