import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { provision } from '../../src/provisioning/provision.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { listNamed, provisionInput, setup, setupEnv, tempEnvPath } from './setup-helpers.js';

const PHONE = '+15125201234';
const PREFIX = 'FailTest';
const ARGS = ['--phone', PHONE, '--prefix', PREFIX];

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  return () => emu.close();
});

const envPrefix = () => `/v1/environments/${emu.environmentId}`;

async function countsOf(prefix: string) {
  return {
    apps: (await listNamed(emu, '/applications', prefix)).length,
    policies: (await listNamed(emu, '/signOnPolicies', prefix)).length,
    populations: (await listNamed(emu, '/populations', prefix)).length,
    devicePolicies: (await listNamed(emu, '/deviceAuthenticationPolicies', prefix)).length,
    contents: (await listNamed(emu, '/templates/transaction/contents', prefix, 'variant')).length,
  };
}
const ONE_EACH = { apps: 1, policies: 1, populations: 1, devicePolicies: 1, contents: 1 };

describe('setup: bad input exits 2 before any call', () => {
  it('lists every problem at once', async () => {
    const run = await setup(['--phone', '5125201234', '--write-env', tempEnvPath()], {
      PINGONE_ENVIRONMENT_ID: 'not-a-uuid',
      PINGONE_REGION: 'mars',
    });
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toMatch(/PINGONE_ENVIRONMENT_ID must be a UUID/);
    expect(run.err.join('\n')).toMatch(/PINGONE_REGION must be one of/);
    expect(run.err.join('\n')).toMatch(/--phone must be \+ and 7-15 digits/);
    expect(run.err.join('\n')).toMatch(/PINGONE_WORKER_CLIENT_ID is missing/);
    expect(run.err.join('\n')).toMatch(/PINGONE_WORKER_CLIENT_SECRET is missing/);
    expect(run.text).not.toMatch(/\n\s+at /);
    expect(emu.handle.requests()).toEqual([]);
  });

  it('refuses unknown flags and a missing phone with exit 2', async () => {
    const unknown = await setup(['--env-file', 'x'], setupEnv(emu));
    expect(unknown.code).toBe(2);
    expect(unknown.text).toMatch(/Unknown option '--env-file'/);
    const noPhone = await setup(['--write-env', tempEnvPath()], setupEnv(emu));
    expect(noPhone.code).toBe(2);
    expect(noPhone.text).toMatch(/--phone is missing/);
    expect(emu.handle.requests()).toEqual([]);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await setup(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.text).toContain('--write-env PATH');
    expect(run.text).toContain('Exit codes: 0 done, 1 PingOne refused or failed, 2 bad input');
  });
});

describe('setup: PingOne refusals exit 1 with what to do', () => {
  it('401 from the token endpoint: the worker credentials or the region are wrong', async () => {
    const env = setupEnv(emu, { PINGONE_WORKER_CLIENT_SECRET: 'wrong-secret-value' });
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], env);
    expect(run.code).toBe(1);
    expect(run.text).toMatch(/refused the worker credentials \(401/);
    expect(run.text).toMatch(/PINGONE_WORKER_CLIENT_SECRET/);
    expect(run.text).toMatch(/PINGONE_REGION/);
    expect(run.text).not.toContain('wrong-secret-value');
  });

  it('401 from the management host: a token from another region', async () => {
    emu.handle.addFault({
      path: `${envPrefix()}/*`,
      count: 1000,
      status: 401,
      body: {
        id: 'err-401-region',
        code: 'ACCESS_FAILED',
        message: 'The request could not be completed. You do not have access to this resource.',
        details: [{ code: 'INVALID_TOKEN', message: 'The access token is invalid.' }],
      },
    });
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], setupEnv(emu));
    expect(run.code).toBe(1);
    expect(run.text).toMatch(/credentials or the region are wrong/);
    expect(run.text).toMatch(/Check PINGONE_REGION/);
    expect(run.text).toContain('err-401-region');
  });

  it('403: names the role the worker needs for the step', async () => {
    emu.handle.addFault({
      method: 'POST',
      path: `${envPrefix()}/applications`,
      count: 10,
      status: 403,
      body: {
        id: 'err-403',
        code: 'ACCESS_FAILED',
        message: 'You do not have the permissions.',
        details: [{ code: 'INSUFFICIENT_PERMISSIONS', message: 'Actor lacks permission' }],
      },
    });
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], setupEnv(emu));
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(
      /may not do create application \(403 ACCESS_FAILED\): give it the Client Application Developer role/,
    );
    expect(run.text).toMatch(
      /Environment Admin, Identity Data Admin and Client Application Developer/,
    );
    expect(run.text).toContain('err-403');
    expect(run.out.some((l) => /application\s+failed/.test(l))).toBe(true);

    const json = await setup([...ARGS, '--write-env', tempEnvPath(), '--json'], setupEnv(emu));
    expect(json.code).toBe(1);
    expect(json.out).toHaveLength(1);
    const doc = JSON.parse(json.out[0]!);
    expect(doc.ok).toBe(false);
    expect(doc.error.pingone).toMatchObject({
      status: 403,
      code: 'ACCESS_FAILED',
      step: 'create application',
    });
    expect(doc.error.pingone.pingoneErrorId).toBe('err-403');
  });

  it('429 and 503 on reads are retried honouring Retry-After, and the run succeeds', async () => {
    emu.handle.addFault({
      method: 'GET',
      path: `${envPrefix()}/applications`,
      count: 2,
      status: 429,
      headers: { 'Retry-After': '0' },
      body: { id: 'err-429', code: 'REQUEST_LIMITED', message: 'Too many requests' },
    });
    emu.handle.addFault({
      method: 'GET',
      path: `${envPrefix()}/signOnPolicies`,
      count: 1,
      status: 503,
      body: { id: 'err-503', code: 'UNEXPECTED_ERROR', message: 'busy' },
    });
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], setupEnv(emu));
    expect(run.code, run.text).toBe(0);
    const appReads = emu.handle
      .requests()
      .filter((r) => r.method === 'GET' && r.path === `${envPrefix()}/applications`);
    expect(appReads.slice(0, 3).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(await countsOf(PREFIX)).toEqual(ONE_EACH);
  });

  it('a 5xx that does not stop ends with exit 1 naming the step and PingOne error id', async () => {
    emu.handle.addFault({
      method: 'GET',
      path: `${envPrefix()}/populations`,
      count: 100,
      status: 503,
      body: { id: 'err-503-stuck', code: 'UNEXPECTED_ERROR', message: 'unavailable' },
    });
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], setupEnv(emu));
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(
      /kept answering 503 UNEXPECTED_ERROR to list populations .* after 4 attempts.*PingOne error id: err-503-stuck/,
    );
    expect(run.out.some((l) => /population\s+failed/.test(l))).toBe(true);
  });
});

describe('setup: interrupted runs finish without duplicates', () => {
  it('a run that fails half-way is finished by the next run, without duplicates', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    emu.handle.addFault({
      method: 'POST',
      path: `${envPrefix()}/users/:userId/devices`,
      count: 100,
      status: 400,
      body: { id: 'err-device', code: 'INVALID_DATA', message: 'refused', details: [] },
    });
    const first = await setup([...ARGS, '--write-env', envPath], env);
    expect(first.code).toBe(1);
    expect(first.text).toMatch(/SMS device\s+failed/);
    expect(first.text).toContain('run setup again');
    emu.handle.clearFaults();

    const second = await setup([...ARGS, '--write-env', envPath], env);
    expect(second.code, second.text).toBe(0);
    expect(second.out.find((l) => l.trimStart().startsWith('SMS device'))).toMatch(/repaired/);
    expect(second.out.find((l) => l.trimStart().startsWith('application'))).toMatch(/reused/);
    expect(await countsOf(PREFIX)).toEqual(ONE_EACH);
  });

  it('a user left without a password by a failed run gets one on the next run', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    emu.handle.addFault({
      method: 'PUT',
      path: `${envPrefix()}/users/:userId/password`,
      count: 100,
      status: 400,
      body: { id: 'err-pw', code: 'INVALID_DATA', message: 'refused', details: [] },
    });
    const first = await setup([...ARGS, '--write-env', envPath], env);
    expect(first.code).toBe(1);
    expect(first.text).toMatch(/user password\s+failed/);
    emu.handle.clearFaults();
    const second = await setup([...ARGS, '--write-env', envPath], env);
    expect(second.code, second.text).toBe(0);
    expect(second.out.find((l) => l.trimStart().startsWith('user password'))).toMatch(
      /repaired \(no password\)|repaired.*no password/,
    );
    expect(second.out.find((l) => l.trimStart().startsWith('user '))).toMatch(/reused/);
    const third = await setup([...ARGS, '--write-env', envPath], env);
    expect(third.text).toContain('Nothing changed');
  });

  it('a dropped connection on a POST is re-read before it is repeated', async () => {
    emu.handle.addFault({ method: 'POST', path: `${envPrefix()}/signOnPolicies`, drop: true });
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], setupEnv(emu));
    expect(run.code, run.text).toBe(0);
    const calls = emu.handle
      .requests()
      .filter((r) => r.path === `${envPrefix()}/signOnPolicies`)
      .map((r) => r.method);
    // list, POST (dropped), list (proves it did not land), POST, then the self-check's read.
    expect(calls.slice(0, 4)).toEqual(['GET', 'POST', 'GET', 'POST']);
    expect(await countsOf(PREFIX)).toEqual(ONE_EACH);
  });

  it('a POST that timed out is re-read before it is repeated, leaving one application', async () => {
    // The emulator holds the create 300 ms and the client gives up at 150 ms. Whether it landed
    // is unknown to the client: it reads the applications again before any second POST.
    // (The case "landed, answer lost" is covered by the createOnce unit test.)
    emu.handle.addFault({ method: 'POST', path: `${envPrefix()}/applications`, latencyMs: 300 });
    const result = await provision(
      provisionInput(emu, {
        phone: PHONE,
        username: 'fail-demo',
        prefix: PREFIX,
        timeoutMs: 150,
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 400))),
      }),
    );
    expect(result.ok).toBe(true);
    const appCalls = emu.handle
      .requests()
      .filter((r) => r.path === `${envPrefix()}/applications`)
      .map((r) => r.method);
    expect(appCalls.slice(0, 4)).toEqual(['GET', 'POST', 'GET', 'POST']);
    expect(await countsOf(PREFIX)).toEqual(ONE_EACH);
  });
});
