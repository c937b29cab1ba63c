import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { desiredNames } from '../../src/provisioning/desired-names.js';
import { desiredDevicePolicy } from '../../src/provisioning/steps/device.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  adminCall,
  listNamed,
  mfaActionOf,
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
  return () => emu.close();
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

  it('step 7: an MFA action read back without sms/email (the newer shape) is no drift', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    expect((await setup([...ARGS, '--write-env', envPath], env)).code).toBe(0);
    // PingOne answers the action list as the Terraform provider writes actions.
    const wire = recordingFetch((call, body) => {
      if (call.method !== 'GET' || !/\/signOnPolicies\/[^/]+\/actions$/.test(call.path))
        return body;
      const list = body as { _embedded: { actions: Record<string, unknown>[] } };
      for (const action of list._embedded.actions) {
        delete action.sms;
        delete action.email;
        action.noDevicesMode = 'BLOCK';
      }
      return list;
    });
    const run = await setup([...ARGS, '--write-env', envPath], env, { fetch: wire.fetch });
    expect(run.code, run.text).toBe(0);
    expect(run.text).toContain('Nothing changed');
    expect(run.text).toMatch(/self-check\s+passed/);
    expect(wire.calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/as/token'))).toEqual(
      [],
    );
  });

  it('step 7: an action that lets users without a device bypass MFA is repaired, read whole first', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    expect((await setup([...ARGS, '--write-env', envPath], env)).code).toBe(0);
    const { action, path } = await mfaActionOf(emu, PREFIX);
    const condition = {
      secondsSince: '${session.lastSignOn.withAuthenticator.mfa.at}',
      greater: 0,
    };
    expect(
      (await adminCall(emu, 'PUT', path, { ...action, noDevicesMode: 'BYPASS', condition })).status,
    ).toBe(200);

    const wire = recordingFetch();
    const run = await setup([...ARGS, '--write-env', envPath], env, { fetch: wire.fetch });
    expect(run.code, run.text).toBe(0);
    expect(run.out.find((l) => l.trimStart().startsWith('MFA action '))).toMatch(
      /repaired.*users without a device bypass MFA/,
    );
    const read = wire.calls.findIndex((c) => c.method === 'GET' && c.path === path);
    const put = wire.calls.findIndex((c) => c.method === 'PUT' && c.path === path);
    expect(read).toBeGreaterThanOrEqual(0);
    expect(put).toBeGreaterThan(read);
    expect(wire.calls[put]!.body).toMatchObject({
      condition,
      noDevicesMode: 'BLOCK',
      sms: { enabled: true },
      deviceAuthenticationPolicy: { id: action.deviceAuthenticationPolicy.id },
    });
    const after = await adminCall(emu, 'GET', path);
    expect(after.body.noDevicesMode).toBe('BLOCK');
    expect(after.body.condition).toEqual(condition);
  });

  it('repairs an application by reading it whole: fields we never set go back unchanged', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    expect((await setup([...ARGS, '--write-env', envPath], env)).code).toBe(0);
    const [app] = await listNamed(emu, '/applications', PREFIX);
    const path = `/applications/${String(app!.id)}`;
    const { id, _links, environment, createdAt, updatedAt, ...writable } = app!;
    void [id, _links, environment, createdAt, updatedAt];
    // Someone narrowed the redirect URIs and added their own; PingOne also holds settings the
    // emulator does not model (signing key policy, JWKS, CORS), played into its answer here.
    const theirs = 'https://other.example/callback';
    expect(
      (await adminCall(emu, 'PUT', path, { ...writable, redirectUris: [theirs] })).status,
    ).toBe(200);
    const unmodelled = {
      signing: { keyRotationPolicy: { id: 'krp-1' } },
      jwksUrl: 'https://other.example/jwks',
      corsSettings: { behavior: 'ALLOW_SPECIFIC_ORIGINS', origins: ['https://other.example'] },
      refreshTokenDuration: 86400,
    };
    const wire = recordingFetch((call, body) =>
      call.method === 'GET' && call.path === path ? { ...(body as object), ...unmodelled } : body,
    );
    const run = await setup([...ARGS, '--write-env', envPath], env, { fetch: wire.fetch });
    expect(run.code, run.text).toBe(0);
    expect(run.out.find((l) => l.trimStart().startsWith('application '))).toMatch(
      /repaired.*redirect URI/,
    );
    const read = wire.calls.findIndex((c) => c.method === 'GET' && c.path === path);
    const put = wire.calls.findIndex((c) => c.method === 'PUT' && c.path === path);
    expect(read).toBeGreaterThanOrEqual(0);
    expect(put).toBeGreaterThan(read);
    const body = wire.calls[put]!.body as Record<string, unknown>;
    expect(body).toMatchObject(unmodelled);
    expect(body.redirectUris).toEqual([theirs, 'http://localhost:3000/callback']);
    for (const key of ['id', '_links', 'environment', 'createdAt', 'updatedAt'])
      expect(body).not.toHaveProperty(key);
  });

  it('finds the template variant case-insensitively, as PingOne does, and creates no second one', async () => {
    const env = setupEnv(emu);
    const variant = names.templateVariant.toUpperCase();
    const made = await adminCall(emu, 'POST', '/templates/transaction/contents', {
      locale: 'en',
      deliveryMethod: 'SMS',
      variant,
      content: 'Approve ${sum} ${currency} to ${recipient}? Code: ${OTP}',
    });
    expect(made.status).toBe(201);
    const run = await setup([...ARGS, '--write-env', tempEnvPath()], env);
    expect(run.code, run.text).toBe(0);
    expect(run.out.find((l) => l.trimStart().startsWith('template content '))).toMatch(/reused/);
    const contents = await adminCall(emu, 'GET', '/templates/transaction/contents');
    const ours = (contents.body._embedded.contents as { variant?: string }[]).filter(
      (c) => c.variant?.toLowerCase() === names.templateVariant.toLowerCase(),
    );
    expect(ours.map((c) => c.variant)).toEqual([variant]);
  });
});
