import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { onCall } from '../../src/pingone/call-events.js';
import { WORKFLOW_STEPS } from '../../src/pingone/workflow-steps.js';
import { provision, teardown, type ProvisionInput } from '../../src/provisioning/provision.js';
import { currentStep } from '../../src/provisioning/run-step.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  adminCall,
  listNamed,
  mfaActionOf,
  provisionInput,
  recordingFetch,
  setup,
  setupEnv,
  tempEnvPath,
} from './setup-helpers.js';

// Every management call provisioning makes is one of the `calls` WORKFLOW_STEPS lists for the
// step that reports it, and every call listed for steps 1-15 is made by some run: the table the
// docs' step map is generated from cannot drift from the code in either direction.

const PREFIX = 'StepCalls';
const PHONE = '+15125201234';
const ID = /\{[A-Za-z]*ID\}|\{id\}/g;

interface Seen {
  step: number | undefined;
  label: string;
  call: string;
}

let emu: RunningEmulator;
let input: ProvisionInput;
const seen: Seen[] = [];
let stop: () => void;

beforeAll(async () => {
  emu = await startTestEmulator();
  input = provisionInput(emu, { phone: PHONE, username: 'stepcalls-demo', prefix: PREFIX });
  // Subscribers run synchronously inside the call, so currentStep() is the calling step's.
  stop = onCall(undefined, (event) => {
    const base = event.template.startsWith(emu.apiUrl) ? emu.apiUrl : emu.authUrl;
    const path = event.template.slice(base.length).replace(ID, '{id}');
    seen.push({ step: currentStep(), label: event.step, call: `${event.method} ${path}` });
  });
});
afterAll(async () => {
  stop();
  await emu.close();
});

const generic = (call: string) => call.replace(ID, '{id}');
const callsOf = (step: number) => WORKFLOW_STEPS[step]!.calls.map(generic);

/** Drift that makes the next run use every repair call (the admin calls are not observed). */
async function driftEverything() {
  const [app] = await listNamed(emu, '/applications', PREFIX);
  const { id: appId, _links, environment, createdAt, updatedAt, ...writable } = app!;
  void [_links, environment, createdAt, updatedAt];
  await adminCall(emu, 'PUT', `/applications/${String(appId)}`, { ...writable, enabled: false });

  const grants = await adminCall(emu, 'GET', `/applications/${String(appId)}/grants`);
  const grant = grants.body._embedded.grants[0];
  const scopes = await adminCall(emu, 'GET', `/resources/${grant.resource.id}/scopes`);
  const email = scopes.body._embedded.scopes.find((s: { name: string }) => s.name === 'email');
  await adminCall(emu, 'PUT', `/applications/${String(appId)}/grants/${grant.id}`, {
    resource: grant.resource,
    scopes: [{ id: email.id }],
  });

  const { action, path } = await mfaActionOf(emu, PREFIX);
  await adminCall(emu, 'PUT', path, { ...action, noDevicesMode: 'BYPASS' });

  const [content] = await listNamed(emu, '/templates/transaction/contents', PREFIX, 'variant');
  await adminCall(emu, 'PUT', `/templates/transaction/contents/${String(content!.id)}`, {
    locale: 'en',
    deliveryMethod: 'SMS',
    variant: content!.variant,
    content: 'Your code is ${OTP}',
  });

  const [policy] = await listNamed(emu, '/deviceAuthenticationPolicies', PREFIX);
  const { id: policyId, ...policyFields } = policy!;
  await adminCall(emu, 'PUT', `/deviceAuthenticationPolicies/${String(policyId)}`, {
    ...policyFields,
    sms: { ...(policyFields.sms as object), enabled: false },
  });

  const users = await adminCall(emu, 'GET', '/users');
  const user = users.body._embedded.users.find(
    (u: { username: string }) => u.username === input.username,
  );
  await adminCall(emu, 'PATCH', `/users/${user.id}`, { mobilePhone: '+15125209999' });
  await adminCall(emu, 'PUT', `/users/${user.id}/mfaEnabled`, { mfaEnabled: false });
  const devices = await adminCall(emu, 'GET', `/users/${user.id}/devices`);
  for (const d of devices.body._embedded.devices)
    await adminCall(emu, 'DELETE', `/users/${user.id}/devices/${d.id}`);
  const inactive = { type: 'SMS', phone: PHONE, status: 'ACTIVATION_REQUIRED' };
  expect((await adminCall(emu, 'POST', `/users/${user.id}/devices`, inactive)).status).toBe(201);
}

describe('WORKFLOW_STEPS and what provisioning does', () => {
  it('holds each call of a dry run, a first run, every repair, a re-run, teardown', async () => {
    expect((await provision({ ...input, dryRun: true })).ok).toBe(true);
    expect((await provision(input)).ok).toBe(true);
    await driftEverything();
    // PingOne may answer the user without `mfaEnabled`: step 13 then reads it on its own.
    let userReads = 0;
    const wire = recordingFetch((call, body) => {
      if (call.method !== 'GET' || call.path !== '/users' || userReads++ > 0) return body;
      for (const u of (body as { _embedded: { users: Record<string, unknown>[] } })._embedded.users)
        delete u.mfaEnabled;
      return body;
    });
    const repair = await provision({ ...input, fetch: wire.fetch });
    expect(repair.ok, JSON.stringify(repair.selfCheck)).toBe(true);
    expect(repair.steps.filter((s) => s.outcome === 'repaired').map((s) => s.step)).toEqual(
      expect.arrayContaining([1, 5, 7, 9, 11, 13, 14, 15]),
    );
    expect((await provision(input)).changed).toBe(false);
    expect((await teardown({ ...input, dryRun: true })).changed).toBe(false);
    expect((await teardown(input)).changed).toBe(true);

    const wrong = seen.filter(({ step, label, call }) => {
      if (label === 'worker token') return !callsOf(0).includes(call);
      // Outside every step: the self-check's read-back, a read of some step's objects.
      if (step === undefined)
        return (
          !call.startsWith('GET ') || !WORKFLOW_STEPS.some((s) => callsOf(s.step).includes(call))
        );
      return !callsOf(step).includes(call);
    });
    expect(wrong).toEqual([]);

    const made = new Set(
      seen.filter((s) => s.step !== undefined).map((s) => `${s.step} ${s.call}`),
    );
    const unused = WORKFLOW_STEPS.filter((s) => s.step >= 1 && s.step <= 15).flatMap((s) =>
      callsOf(s.step)
        .filter((call) => !made.has(`${s.step} ${call}`))
        .map((call) => `${s.step} ${call}`),
    );
    expect(unused).toEqual([]);
  });

  it('names every progress line and --json step by its number and name', async () => {
    const args = ['--phone', PHONE, '--prefix', 'StepNames', '--write-env', tempEnvPath()];
    const run = await setup([...args, '--json'], setupEnv(emu));
    expect(run.code, run.text).toBe(0);
    const steps = (JSON.parse(run.out[0]!) as { steps: { step?: number; name: string }[] }).steps;
    expect(steps.filter((s) => s.step === undefined).map((s) => s.name)).toEqual(['self-check']);
    const numbered = steps.filter((s) => s.step !== undefined);
    expect(numbered.map((s) => s.step).sort((a, b) => a! - b!)).toEqual([
      1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    for (const s of numbered) expect(s.name).toBe(WORKFLOW_STEPS[s.step!]!.name);
    for (const s of numbered)
      expect(run.err.some((l) => l.trimStart().startsWith(`${s.name} `))).toBe(true);
  });
});
