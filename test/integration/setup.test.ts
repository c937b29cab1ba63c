import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  adminCall,
  listNamed,
  mfaActionOf,
  setup,
  setupEnv,
  tempEnvPath,
} from './setup-helpers.js';

const PHONE = '+15125201234';
const PREFIX = 'SetupTest';
const ARGS = ['--phone', PHONE, '--prefix', PREFIX];

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  return () => emu.close();
});

const writes = () =>
  emu.handle.requests().filter((r) => r.method !== 'GET' && !r.path.endsWith('/as/token'));

async function objectsOf(prefix: string) {
  return {
    apps: await listNamed(emu, '/applications', prefix),
    policies: await listNamed(emu, '/signOnPolicies', prefix),
    populations: await listNamed(emu, '/populations', prefix),
    devicePolicies: await listNamed(emu, '/deviceAuthenticationPolicies', prefix),
    contents: await listNamed(emu, '/templates/transaction/contents', prefix, 'variant'),
  };
}

describe('npm run setup against the emulator', () => {
  it('creates everything on the first run, passes the self-check and writes the env file 0600', async () => {
    const envPath = tempEnvPath();
    writeFileSync(envPath, '# mine\nSESSION_SECRET=keep-me\nPINGONE_CLIENT_ID=stale\n');
    const run = await setup([...ARGS, '--write-env', envPath], setupEnv(emu));
    expect(run.code, run.text).toBe(0);
    for (const step of [
      'application',
      'openid grant',
      'sign-on policy',
      'MFA action',
      'policy assignment',
      'template content',
      'population',
      'user',
      'user password',
      'user MFA',
      'device policy',
      'SMS device',
    ]) {
      expect(run.out.some((l) => l.includes(step) && l.includes('created'))).toBe(true);
    }
    expect(run.text).toMatch(/self-check\s+passed/);
    expect(run.text).toMatch(
      /Done: 12 created, 0 repaired, 0 reused; self-check passed \(\d+ PingOne calls/,
    );

    const file = readFileSync(envPath, 'utf8');
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    expect(file).toContain('# mine\nSESSION_SECRET=keep-me\n');
    expect(file).toContain(`PINGONE_ENVIRONMENT_ID=${emu.environmentId}`);
    expect(file).toContain(`PINGONE_API_URL=${emu.apiUrl}`);
    expect(file).toContain('PINGONE_POLICY_NAME=SetupTest_SMS_Approval');
    expect(file).toContain('PINGONE_TEMPLATE_VARIANT=SetupTest_sms_approval');
    expect(file).toContain('PINGONE_USERNAME=setuptest-demo');
    expect(file).not.toContain('PINGONE_CLIENT_ID=stale');
    const apps = await listNamed(emu, '/applications', PREFIX);
    expect(apps).toHaveLength(1);
    const secret = await adminCall(emu, 'GET', `/applications/${apps[0]!.id}/secret`);
    expect(file).toContain(`PINGONE_CLIENT_ID=${apps[0]!.id}`);
    expect(file).toContain(secret.body.secret);
    // The secret lands in the file only, never on the terminal.
    expect(run.text).not.toContain(secret.body.secret);
    expect(run.text).not.toContain(emu.worker.clientSecret);
  });

  it('changes nothing on the second run and says so, with reads only', async () => {
    const envPath = tempEnvPath();
    expect((await setup([...ARGS, '--write-env', envPath], setupEnv(emu))).code).toBe(0);
    const before = readFileSync(envPath, 'utf8');
    emu.handle.clearRequests();
    const second = await setup([...ARGS, '--write-env', envPath], setupEnv(emu));
    expect(second.code, second.text).toBe(0);
    expect(second.text).toContain('Nothing changed');
    expect(second.text).toContain('already holds these settings');
    expect(writes()).toEqual([]);
    expect(second.out.filter((l) => /\b(created|repaired)\b/.test(l))).toEqual([]);
    expect(readFileSync(envPath, 'utf8')).toBe(before);
    const objects = await objectsOf(PREFIX);
    for (const list of Object.values(objects)) expect(list).toHaveLength(1);
  });

  it('repairs drifted objects: SMS action disabled, template changed, MFA off, device missing', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    expect((await setup([...ARGS, '--write-env', envPath], env)).code).toBe(0);
    const { action, path } = await mfaActionOf(emu, PREFIX);
    expect(
      (
        await adminCall(emu, 'PUT', path, {
          ...action,
          sms: { enabled: false },
          email: { enabled: true },
        })
      ).status,
    ).toBe(200);
    const [content] = await listNamed(emu, '/templates/transaction/contents', PREFIX, 'variant');
    await adminCall(emu, 'PUT', `/templates/transaction/contents/${content!.id}`, {
      locale: 'en',
      deliveryMethod: 'SMS',
      variant: content!.variant,
      content: 'Your code is ${OTP}',
    });
    const users = await adminCall(
      emu,
      'GET',
      `/users?filter=${encodeURIComponent('username eq "setuptest-demo"')}`,
    );
    const user = users.body._embedded.users.find(
      (u: { username: string }) => u.username === 'setuptest-demo',
    );
    await adminCall(emu, 'PUT', `/users/${user.id}/mfaEnabled`, { mfaEnabled: false });
    const devices = await adminCall(emu, 'GET', `/users/${user.id}/devices`);
    for (const d of devices.body._embedded.devices) {
      expect((await adminCall(emu, 'DELETE', `/users/${user.id}/devices/${d.id}`)).status).toBe(
        204,
      );
    }

    const run = await setup([...ARGS, '--write-env', envPath], env);
    expect(run.code, run.text).toBe(0);
    const outcome = (name: string) => run.out.find((l) => l.trimStart().startsWith(`${name} `));
    expect(outcome('MFA action')).toMatch(/repaired.*SMS disabled/);
    expect(outcome('template content')).toMatch(/repaired/);
    expect(outcome('user MFA')).toMatch(/repaired/);
    expect(outcome('SMS device')).toMatch(/repaired.*device missing/);
    expect(outcome('application')).toMatch(/reused/);
    expect(run.text).toMatch(/self-check\s+passed/);

    const again = await setup([...ARGS, '--write-env', envPath], env);
    expect(again.text).toContain('Nothing changed');
  });

  it('dry run reports what it would create and writes nothing', async () => {
    const envPath = tempEnvPath();
    const run = await setup([...ARGS, '--write-env', envPath, '--dry-run'], setupEnv(emu));
    expect(run.code, run.text).toBe(0);
    expect(run.out.filter((l) => l.includes('would-create')).length).toBeGreaterThanOrEqual(8);
    expect(run.text).toContain('Nothing was changed');
    expect(writes()).toEqual([]);
    expect(() => statSync(envPath)).toThrow();
  });

  it('tears down everything it created, in dependency order, and a second teardown finds nothing', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    // Another prefix's objects must survive.
    expect(
      (await setup(['--phone', PHONE, '--prefix', 'Other', '--write-env', tempEnvPath()], env))
        .code,
    ).toBe(0);
    expect((await setup([...ARGS, '--write-env', envPath], env)).code).toBe(0);
    emu.handle.clearRequests();
    const down = await setup(['--teardown', '--prefix', PREFIX, '--write-env', envPath], env);
    expect(down.code, down.text).toBe(0);
    expect(down.text).toMatch(/Teardown done/);
    const deletes = emu.handle.requests().filter((r) => r.method === 'DELETE');
    expect(deletes.every((r) => r.status === 204 || r.status === 200)).toBe(true);
    const at = (re: RegExp) => deletes.findIndex((r) => re.test(r.path));
    expect(at(/\/applications\//)).toBeLessThan(at(/\/signOnPolicies\//));
    expect(at(/\/users\//)).toBeLessThan(at(/\/populations\//));
    expect(at(/\/signOnPolicies\//)).toBeLessThan(at(/\/deviceAuthenticationPolicies\//));
    for (const list of Object.values(await objectsOf(PREFIX))) expect(list).toEqual([]);
    for (const list of Object.values(await objectsOf('Other'))) expect(list).toHaveLength(1);

    const again = await setup(['--teardown', '--prefix', PREFIX, '--write-env', envPath], env);
    expect(again.code).toBe(0);
    expect(again.text).toContain('Nothing to delete');
  });

  it('--json prints one JSON document with the secret redacted unless --show-secrets', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    const run = await setup([...ARGS, '--write-env', envPath, '--json'], env);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const doc = JSON.parse(run.out[0]!);
    expect(doc.ok).toBe(true);
    expect(doc.changed).toBe(true);
    expect(doc.settings.clientSecret).toBe('[redacted]');
    expect(doc.envValues.PINGONE_CLIENT_SECRET).toBe('[redacted]');
    expect(doc.selfCheck.ok).toBe(true);
    const shown = await setup([...ARGS, '--write-env', envPath, '--json', '--show-secrets'], env);
    const doc2 = JSON.parse(shown.out[0]!);
    expect(doc2.changed).toBe(false);
    expect(doc2.settings.clientSecret).toMatch(/.{32,}/);
    expect(readFileSync(envPath, 'utf8')).toContain(doc2.settings.clientSecret);
  });
});
