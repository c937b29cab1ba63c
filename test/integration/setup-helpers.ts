import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { ProvisionInput } from '../../src/provisioning/provision.js';
import { runSetup, type SetupIo } from '../../src/provisioning/setup-command.js';

/** The process environment setup would see for this emulator. */
export function setupEnv(emu: RunningEmulator, extra: Record<string, string> = {}) {
  return {
    PINGONE_ENVIRONMENT_ID: emu.environmentId,
    PINGONE_API_URL: emu.apiUrl,
    PINGONE_AUTH_URL: emu.authUrl,
    PINGONE_WORKER_CLIENT_ID: emu.worker.clientId,
    PINGONE_WORKER_CLIENT_SECRET: emu.worker.clientSecret,
    ...extra,
  };
}

/** What `provision()` needs to provision this emulator, with a demo user and a redirect URI. */
export function provisionInput(
  emu: RunningEmulator,
  input: Pick<ProvisionInput, 'prefix' | 'username'> & Partial<ProvisionInput>,
): ProvisionInput {
  return {
    location: {
      environmentId: emu.environmentId,
      region: 'com',
      apiUrl: emu.apiUrl,
      authUrl: emu.authUrl,
    },
    worker: emu.worker,
    phone: '+15125201234',
    redirectUri: 'http://localhost:3000/callback',
    ...input,
  };
}

export function tempEnvPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'setup-')), '.env');
}

export interface SetupRun {
  code: number;
  out: string[];
  err: string[];
  text: string;
}

/** Runs the setup command in-process, retries waiting no more than a few ms. */
export async function setup(
  argv: string[],
  env: Record<string, string>,
  io: Partial<SetupIo> = {},
): Promise<SetupRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSetup(argv, env, {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
    ...io,
  });
  return { code, out, err, text: [...out, ...err].join('\n') };
}

/** A management call made without the client under test (drift, inspection). */
export async function adminCall(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test inspection of loose JSON
): Promise<{ status: number; body: any }> {
  const basic = Buffer.from(`${emu.worker.clientId}:${emu.worker.clientSecret}`).toString('base64');
  const tokenRes = await fetch(`${emu.authUrl}/${emu.worker.environmentId}/as/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${basic}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(`${emu.apiUrl}/environments/${emu.environmentId}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${access_token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function listNamed(emu: RunningEmulator, path: string, name: string, key = 'name') {
  const res = await adminCall(emu, 'GET', path);
  const embedded = Object.values(res.body?._embedded ?? {})[0] as
    Record<string, unknown>[] | undefined;
  return (embedded ?? []).filter((x) => String(x[key] ?? '').startsWith(name));
}

/**
 * The longest chain of calls where each starts after the previous one ended: with latency
 * injected on every call, independent calls overlap, so this is the dependency depth.
 */
export function sequentialDepth(records: { startedAt: number; endedAt?: number }[]): number {
  const rs = [...records].sort((a, b) => a.startedAt - b.startedAt);
  const depth: number[] = [];
  rs.forEach((r, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) {
      if ((rs[j]!.endedAt ?? Infinity) <= r.startedAt) best = Math.max(best, depth[j]!);
    }
    depth.push(best + 1);
  });
  return Math.max(0, ...depth);
}

/** The most calls in flight at one moment. */
export function maxInFlight(records: { startedAt: number; endedAt?: number }[]): number {
  const events = records.flatMap((r) => [
    [r.startedAt, 1] as const,
    [r.endedAt ?? Infinity, -1] as const,
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of events) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

export interface WireCall {
  method: string;
  /** The path below `/environments/{env}` (or the full path for other calls). */
  path: string;
  contentType?: string;
  body?: unknown;
}

/**
 * A `fetch` that passes every call on and keeps what setup sent: method, path, JSON body.
 * `answer` may rewrite a JSON answer (PingOne answering in another documented shape).
 */
export function recordingFetch(answer?: (call: WireCall, body: unknown) => unknown): {
  fetch: typeof fetch;
  calls: WireCall[];
} {
  const calls: WireCall[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const path = url.pathname.replace(/^.*\/environments\/[^/]+/, '');
    const headers = new Headers(init?.headers);
    const call: WireCall = { method: init?.method ?? 'GET', path };
    const contentType = headers.get('content-type');
    if (contentType) call.contentType = contentType;
    if (typeof init?.body === 'string' && /json/.test(contentType ?? ''))
      call.body = JSON.parse(init.body);
    calls.push(call);
    const res = await fetch(input, init);
    if (!answer || !/json/.test(res.headers.get('content-type') ?? '')) return res;
    const answerHeaders = new Headers(res.headers);
    answerHeaders.delete('content-length');
    const body = answer(call, await res.json());
    return new Response(JSON.stringify(body), { status: res.status, headers: answerHeaders });
  };
  return { fetch: recording, calls };
}

/** The MFA action of the prefix's sign-on policy, and its path below the environment. */
export async function mfaActionOf(emu: RunningEmulator, prefix: string) {
  const [policy] = await listNamed(emu, '/signOnPolicies', prefix);
  const actions = await adminCall(emu, 'GET', `/signOnPolicies/${String(policy!.id)}/actions`);
  const action = actions.body._embedded.actions[0];
  return { action, path: `/signOnPolicies/${String(policy!.id)}/actions/${action.id}` };
}
