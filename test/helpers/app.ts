import { Writable } from 'node:stream';
import request from 'supertest';
import { onTestFinished } from 'vitest';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../../src/app.js';
import { MemoryApprovalStore } from '../../src/approval/approval-store.js';
import { EMBEDDED_PHONE, loadConfig, type AppConfig } from '../../src/config.js';
import type { RunningEmulator, Variants } from '../../src/emulator/index.js';
import { createInspector, type InspectorOptions } from '../../src/inspector/inspector.js';
import { createLogger } from '../../src/log.js';
import { LOAD_TEST_LIMITS } from '../../scripts/soak/app-process.js';
import { TEST_OPERATOR_TOKEN } from './durable-app.js';
import { startProvisionedEmulator } from '../../scripts/soak/provisioned-emulator.js';
import { forFile } from './for-file.js';

/*
 * The entry point for a test's set-up. Every starter below puts a real emulator on an ephemeral
 * loopback port, provisions it with the real setup code (startProvisionedEmulator) and closes
 * what it started; pick by what the test needs:
 * - the app in-process, driven by supertest: appForTest (one test) or appForFile (the file);
 * - apps listening on loopback ports over one emulator: pingoneForFile and appsOnOneEmulator
 *   (emulator-apps.ts), listenApp (durable-app.ts); behind a load balancer on one Redis:
 *   startRedisInstances (redis-instances.ts);
 * - the app as its own process (restarts, kill -9): startSqliteAppProcess, startAppProcess;
 * - the whole demo stack in a browser: demoStackForFile (browser.ts);
 * - the emulator alone, provisioned by the emulator tests' fixture: emulatorForFile (emulator.ts).
 * At a file's top level the `…ForFile` starters are awaited once (for-file.ts).
 */
export const TEST_BASE_URL = 'http://127.0.0.1:3999';

export interface TestAppOptions {
  approvalUi?: 'own' | 'hosted';
  variants?: Partial<Variants>;
  /** Per-call PingOne timeout (short, so latency faults trip it quickly). */
  timeoutMs?: number;
  deps?: Partial<AppDeps>;
  baseUrl?: string;
  /** More settings for loadConfig (TRUST_PROXY, SMS_MAX_SEGMENTS, …), as the environment would give them. */
  env?: Record<string, string>;
  /** Over the inspector's options (it is mounted when the config has it on, as server.ts does). */
  inspector?: Partial<InspectorOptions>;
}

export interface TestApp {
  app: Express;
  emulator: RunningEmulator;
  approvals: MemoryApprovalStore;
  config: AppConfig;
  userId: string;
  /** Every log line the app wrote, raw JSON text. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * A real emulator on an ephemeral port, provisioned with the same plan `npm run setup` runs
 * (startProvisionedEmulator), and the app built on it in-process (supertest drives it; nothing
 * listens for the app).
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const baseUrl = options.baseUrl ?? TEST_BASE_URL;
  const pingone = await startProvisionedEmulator({ baseUrl, variants: options.variants ?? {} });
  const { emulator } = pingone;
  const config = loadConfig({
    BASE_URL: baseUrl,
    APPROVAL_UI: options.approvalUi ?? 'own',
    PINGONE_TIMEOUT_MS: String(options.timeoutMs ?? 2000),
    ...LOAD_TEST_LIMITS,
    OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    ...options.env,
  });
  config.sessionSecret = 'test-session-secret-that-is-long-enough-0123456789';
  config.pingone = pingone.relyingParty;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const approvals = new MemoryApprovalStore();
  const retired = new AbortController();
  const inspector =
    config.inspector &&
    createInspector({
      mode: config.mode,
      ui: config.approvalUi,
      approvals: options.deps?.approvals ?? approvals,
      signal: retired.signal,
      phoneHint: EMBEDDED_PHONE,
      smsOutboxUrl: `${emulator.url}/__emulator/sms`,
      ...options.inspector,
    });
  const app = createApp({
    config,
    approvals,
    signal: retired.signal,
    logger: createLogger({ level: 'debug', destination }),
    phoneHint: EMBEDDED_PHONE,
    emulatorPhoneUrl: `${emulator.url}/__emulator/phone`,
    // Retries would hide injected faults; one attempt each, and no real waiting.
    retry: { maxAttempts: 1 },
    ...(inspector && { extensions: [inspector] }),
    ...options.deps,
  });
  return {
    app,
    emulator,
    approvals,
    config,
    userId: pingone.userId,
    logs,
    close: () => {
      retired.abort();
      return emulator.close();
    },
  };
}

/** Inside a test: a fresh app (as startTestApp), closed when the test finishes. */
export async function appForTest(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await startTestApp(options);
  onTestFinished(() => t.close());
  return t;
}

/** At a test file's top level: one app for all its tests, closed after them. */
export function appForFile(options: TestAppOptions = {}): Promise<TestApp> {
  return forFile(
    () => startTestApp(options),
    (t) => t.close(),
  );
}

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the last page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

export const TRANSFER = { amount: '250.00', currency: 'EUR', payee: 'Bob Example Ltd' };

/** GET / then POST /approvals; answers the POST's response (303 to the code page when all is well). */
export async function submitTransfer(agent: Agent, transfer: Record<string, string> = TRANSFER) {
  const page = await agent.get('/');
  return agent
    .post('/approvals')
    .type('form')
    .send({ ...transfer, _csrf: csrfOf(page.text) });
}

/** The newest code the emulator texted. */
export function latestOtp(emulator: RunningEmulator): string {
  const message = emulator.handle.sms(EMBEDDED_PHONE)[0];
  if (!message) throw new Error('no SMS was sent');
  return message.otp;
}

/** GET the code page, POST a code; answers the POST's response. */
export async function submitCode(agent: Agent, otp: string) {
  const page = await agent.get('/approvals/otp');
  return agent
    .post('/approvals/otp')
    .type('form')
    .send({ otp, _csrf: csrfOf(page.text) });
}

/** A browser (agent) on `t` that has submitted TRANSFER, and the code PingOne texted it. */
export async function startedApproval(t: TestApp): Promise<{ agent: Agent; otp: string }> {
  const agent = request.agent(t.app);
  await submitTransfer(agent);
  return { agent, otp: latestOtp(t.emulator) };
}

/** A code that is certainly not the one sent. */
export function wrongCode(otp: string): string {
  return otp === '000000' ? '111111' : '000000';
}

/** One PingOne exchange as the app's fetch saw it (tests assert on what crossed the wire). */
export interface RecordedCall {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  status?: number;
  responseHeaders?: Headers;
  responseText?: string;
}

/**
 * A pass-through fetch (over the platform's fetch) that records every call the app makes
 * to PingOne. `transform` may replace
 * a response (used only to tamper with what PingOne said, never to stand in for PingOne).
 */
export function recordingFetch(transform?: (url: string, response: Response) => Promise<Response>) {
  const calls: RecordedCall[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const record: RecordedCall = {
      method: init?.method ?? 'GET',
      url,
      requestHeaders: Object.fromEntries(new Headers(init?.headers).entries()),
    };
    calls.push(record);
    let response = await fetch(input, init);
    if (transform) response = await transform(url, response);
    record.status = response.status;
    record.responseHeaders = response.headers;
    record.responseText = await response.clone().text();
    return response;
  };
  return { fetch: fetchImpl, calls };
}

/**
 * Plays the browser's part of hosted mode at the emulator: follows authorize to PingOne's page,
 * posts the code when the page asks for one, follows resume, and answers the callback path and
 * query the app gets back. `jar` is the browser's cookie jar at PingOne's origin: pass the same
 * one to a second sign-on to keep PingOne's session cookies between them.
 */
export async function completeHostedSignOn(
  authorizeUrl: string,
  otpFor: (emulator: RunningEmulator) => string,
  emulator: RunningEmulator,
  jar = new Map<string, string>(),
): Promise<string> {
  const send = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  };
  const origin = new URL(emulator.url).origin;
  let url = authorizeUrl;
  let codeSent = false;
  for (let hop = 0; hop < 8; hop++) {
    let res = await send(url);
    if (res.status === 200 && !codeSent) {
      // PingOne's page asks for the code.
      res = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ otp: otpFor(emulator) }).toString(),
      });
      codeSent = true;
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location)
      throw new Error(`${new URL(url).pathname} answered ${res.status}`);
    const next = new URL(location, url);
    if (next.origin !== origin) return `${next.pathname}${next.search}`;
    url = next.href;
  }
  throw new Error('PingOne never redirected back to the app');
}
