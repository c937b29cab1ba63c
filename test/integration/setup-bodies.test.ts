import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { desiredDevicePolicy, desiredNames } from '../../src/pingone/provisioning/desired.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  adminCall,
  listNamed,
  recordingFetch,
  setup,
  setupEnv,
  tempEnvPath,
} from './setup-helpers.js';

const PHONE = '+15125201234';
const PREFIX = 'BodyTest';
const ARGS = ['--phone', PHONE, '--prefix', PREFIX];
const names = desiredNames(PREFIX);

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

describe('setup bodies on the wire', () => {
  it('step 14 sends the whole device policy the MFA spec requires, and the emulator takes it', async () => {
    const wire = recordingFetch();
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], setupEnv(emu), {
      fetch: wire.fetch,
    });
    expect(run.code, run.text).toBe(0);
    const posts = wire.calls.filter(
      (c) => c.method === 'POST' && c.path === '/deviceAuthenticationPolicies',
    );
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual(desiredDevicePolicy(names.devicePolicyName));
    expect(posts[0]!.body).toMatchObject({
      forSignOnPolicy: false,
      newDeviceNotification: 'NONE',
      email: { enabled: false, otp: { lifeTime: {}, failure: { coolDown: {} } } },
      voice: { enabled: false, otp: { lifeTime: {}, failure: { coolDown: {} } } },
      mobile: { enabled: false, otp: { failure: { coolDown: {} } } },
      totp: { enabled: false, otp: { failure: { coolDown: {} } } },
    });
    const [stored] = await listNamed(emu, '/deviceAuthenticationPolicies', PREFIX);
    expect(stored?.sms).toMatchObject({ enabled: true, otp: { otpLength: 6 } });
  });

  it('repairs a device policy by reading it whole and writing all of it back', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    expect((await setup([...ARGS, '--write-env', envPath], env)).code).toBe(0);
    const [policy] = await listNamed(emu, '/deviceAuthenticationPolicies', PREFIX);
    const { id, _links, environment, createdAt, updatedAt, ...writable } = policy!;
    void [_links, environment, createdAt, updatedAt];
    const off = await adminCall(emu, 'PUT', `/deviceAuthenticationPolicies/${String(id)}`, {
      ...writable,
      sms: { ...(writable.sms as object), enabled: false },
    });
    expect(off.status).toBe(200);

    const wire = recordingFetch();
    const run = await setup([...ARGS, '--write-env', envPath], env, { fetch: wire.fetch });
    expect(run.code, run.text).toBe(0);
    expect(run.out.find((l) => l.trimStart().startsWith('device policy '))).toMatch(
      /repaired.*SMS disabled/,
    );
    const path = `/deviceAuthenticationPolicies/${String(id)}`;
    const read = wire.calls.findIndex((c) => c.method === 'GET' && c.path === path);
    const put = wire.calls.findIndex((c) => c.method === 'PUT' && c.path === path);
    expect(read).toBeGreaterThanOrEqual(0);
    expect(put).toBeGreaterThan(read);
    const body = wire.calls[put]!.body as Record<string, Record<string, unknown>>;
    expect(body.sms).toMatchObject({ enabled: true, otp: { otpLength: 6 } });
    for (const m of ['email', 'voice', 'mobile', 'totp']) expect(body[m]).toHaveProperty('otp');
    expect(body).toMatchObject({ forSignOnPolicy: false, newDeviceNotification: 'NONE' });
    expect(body).not.toHaveProperty('id');

    const again = await setup([...ARGS, '--write-env', envPath], env);
    expect(again.text).toContain('Nothing changed');
  });
});
