/**
 * The checks of `npm run test:live`, written once: test/live/setup.live.test.ts runs them against
 * a real tenant, test/integration/setup-live-steps.test.ts against the emulator, so that this code
 * keeps running (and type-checking) where no tenant is reachable. Each line starting with
 * `[live]` is something a tenant owner sends back when a check fails (README, "Use real
 * PingOne"). Secrets never appear in them.
 */
import { expect, it } from 'vitest';
import { basicAuthorization } from '../../src/pingone/wire.js';
import { createHttpClient, type FetchLike } from '../../src/pingone/http.js';
import {
  apiPath,
  createManagementContext,
  send,
  writableFields,
  type Application,
  type DeviceAuthenticationPolicy,
  type ManagementContext,
} from '../../src/pingone/management.js';
import {
  provision,
  teardown,
  type ProvisionInput,
  type ProvisionSettings,
} from '../../src/provisioning/provision.js';
import { desiredNames } from '../../src/provisioning/desired-names.js';
import { listApplications } from '../../src/provisioning/steps/application.js';
import {
  desiredDevicePolicy,
  devicePolicyDrift,
  listDevicePolicies,
  repairedDevicePolicy,
} from '../../src/provisioning/steps/device.js';
import {
  listActions,
  listSignOnPolicies,
  mfaActionDrift,
} from '../../src/provisioning/steps/sign-on-policy.js';
import { pingoneUrls } from '../../src/pingone/urls.js';

export interface LiveTarget {
  input: ProvisionInput;
  log: (line: string) => void;
  fetch?: FetchLike;
}

function management(t: LiveTarget): ManagementContext {
  const http = createHttpClient({
    timeoutMs: t.input.timeoutMs,
    ...(t.fetch ? { fetch: t.fetch } : {}),
  });
  return createManagementContext({ location: t.input.location, worker: t.input.worker, http });
}

const readApplication = (ctx: ManagementContext, id: string) =>
  send<Application>(ctx, 'read application', 'GET', apiPath`/applications/${id}`);
const readDevicePolicy = (ctx: ManagementContext, id: string) =>
  send<DeviceAuthenticationPolicy>(
    ctx,
    'read device policy',
    'GET',
    apiPath`/deviceAuthenticationPolicies/${id}`,
  );

const notOk = (steps: { name: string; outcome: string; detail?: string | undefined }[]) =>
  steps.filter((s) => s.outcome === 'failed').map((s) => `${s.name}: ${s.detail ?? ''}`);

/**
 * A first run with the published bodies, then the objects read back the way PingOne answers:
 * the device policy whole (every method block), the MFA action in whichever shape it comes.
 */
export async function firstRunAndReadBack(t: LiveTarget): Promise<ProvisionSettings> {
  const first = await provision(t.input);
  expect(notOk(first.steps)).toEqual([]);
  expect(first.selfCheck?.checks.filter((c) => !c.ok)).toEqual([]);
  expect(first.ok).toBe(true);
  expect(first.settings.clientId).toMatch(/^[0-9a-f-]{36}$/);

  const ctx = management(t);
  const names = desiredNames(t.input.prefix);
  const policy = (await listDevicePolicies(ctx)).find((p) => p.name === names.devicePolicyName);
  expect(policy, 'device policy not found by name').toBeDefined();
  t.log(
    `[live] device policy read back: newDeviceNotification=${String(policy!.newDeviceNotification)} ` +
      `methods=${['sms', 'email', 'voice', 'mobile', 'totp', 'fido2']
        .map((m) => `${m}:${JSON.stringify((policy as Record<string, unknown>)[m] ?? null)}`)
        .join(' ')}`,
  );
  for (const m of ['sms', 'email', 'voice'] as const) {
    expect(policy![m]?.otp?.lifeTime, `${m}.otp.lifeTime`).toBeDefined();
    expect(policy![m]?.otp?.failure?.coolDown, `${m}.otp.failure.coolDown`).toBeDefined();
  }
  for (const m of ['mobile', 'totp'] as const)
    expect(policy![m]?.otp?.failure, `${m}.otp.failure`).toBeDefined();
  expect(devicePolicyDrift(policy!)).toEqual([]);

  const signOn = (await listSignOnPolicies(ctx)).find((p) => p.name === names.policyName);
  const action = (await listActions(ctx, signOn!.id)).find(
    (a) => a.type === 'MULTI_FACTOR_AUTHENTICATION',
  );
  t.log(`[live] MFA action read back: ${JSON.stringify({ ...action, _links: undefined })}`);
  expect(mfaActionDrift(action!, policy!.id)).toEqual([]);
  return first.settings;
}

/** A second run reads only and says nothing changed. */
export async function secondRunChangesNothing(t: LiveTarget): Promise<void> {
  const second = await provision(t.input);
  expect(second.ok).toBe(true);
  expect(second.steps.filter((s) => s.outcome !== 'reused' && s.outcome !== 'passed')).toEqual([]);
  expect(second.changed).toBe(false);
  t.log(`[live] second run: ${second.calls} calls, nothing changed`);
}

/** RFC 6749 §2.3.1's encoding, as openid-client applies it before Basic. */
const formEncode = (s: string) =>
  encodeURIComponent(s).replace(
    /[-_.!~*'()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * Step 19's client authentication, without a user: an authorization-code request with a code
 * that does not exist. `invalid_grant` means the client was authenticated and only the code was
 * refused; `invalid_client` means the Basic header was not accepted. The raw header (what we
 * send) must pass; the form-encoded one is only reported: it answers the open question of
 * docs/pingone-contract.md §6.19.
 */
export async function tokenEndpointTakesRawBasic(
  t: LiveTarget,
  settings: ProvisionSettings,
): Promise<void> {
  const url = pingoneUrls(t.input.location).token;
  const send = async (authorization: string) => {
    const res = await (t.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        Authorization: authorization,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: '*/*',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'live-probe-no-such-code',
        redirect_uri: t.input.redirectUri,
      }).toString(),
      signal: AbortSignal.timeout(t.input.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let error = '';
    try {
      error = String((JSON.parse(text) as { error?: unknown }).error ?? '');
    } catch {
      // Not JSON: reported with the status.
    }
    return { status: res.status, error };
  };
  const raw = await send(basicAuthorization(settings.clientId, settings.clientSecret));
  const encoded = await send(
    `Basic ${Buffer.from(`${formEncode(settings.clientId)}:${formEncode(settings.clientSecret)}`).toString('base64')}`,
  );
  t.log(`[live] token endpoint, raw Basic: ${raw.status} ${raw.error}`);
  t.log(
    `[live] token endpoint, form-encoded Basic: ${encoded.status} ${encoded.error} ` +
      `(PingOne ${encoded.error === 'invalid_grant' ? 'decodes' : 'does not decode'} encoded credentials)`,
  );
  expect(raw).toEqual({ status: 400, error: 'invalid_grant' });
}

/**
 * Drift made the way a console user would (our redirect URI replaced by theirs, a new-device
 * notification switched on), then a run that repairs it by read-modify-write: every field
 * PingOne held before is still there after the repair.
 */
export async function repairKeepsWhatPingOneHolds(t: LiveTarget): Promise<void> {
  const ctx = management(t);
  const names = desiredNames(t.input.prefix);
  const app = (await listApplications(ctx)).find((a) => a.name === names.applicationName);
  const before = await readApplication(ctx, app!.id);
  const theirs = 'https://live-probe.invalid/callback';
  await send(ctx, 'update application', 'PUT', apiPath`/applications/${app!.id}`, {
    ...writableFields(before),
    redirectUris: [theirs],
  });
  const policy = (await listDevicePolicies(ctx)).find((p) => p.name === names.devicePolicyName);
  const current = await readDevicePolicy(ctx, policy!.id);
  await send(
    ctx,
    'update device policy',
    'PUT',
    apiPath`/deviceAuthenticationPolicies/${policy!.id}`,
    {
      ...repairedDevicePolicy(current, desiredDevicePolicy(names.devicePolicyName)),
      newDeviceNotification: 'EMAIL_THEN_SMS',
    },
  );
  // Whether PingOne echoes the field decides what setup can see: a drift it cannot read is no
  // drift (docs/pingone-contract.md §10), so the policy is then left alone.
  const echoed = (await readDevicePolicy(ctx, policy!.id)).newDeviceNotification;
  t.log(
    `[live] newDeviceNotification after setting EMAIL_THEN_SMS reads back as ${String(echoed)}`,
  );

  const run = await provision(t.input);
  t.log(
    `[live] repair run: ${run.steps
      .filter((s) => s.outcome !== 'reused')
      .map((s) => `${s.name} ${s.outcome} ${s.detail ?? ''}`.trim())
      .join('; ')}`,
  );
  expect(run.ok).toBe(true);
  const outcome = (name: string) => run.steps.find((s) => s.name === name)?.outcome;
  expect(outcome('application')).toBe('repaired');
  expect(outcome('device policy')).toBe(echoed === undefined ? 'reused' : 'repaired');

  const after = await readApplication(ctx, app!.id);
  const lost = Object.keys(before).filter(
    (k) => !['updatedAt', 'redirectUris', '_links'].includes(k) && !(k in after),
  );
  expect(lost, 'fields the repair dropped').toEqual([]);
  expect(after.redirectUris).toEqual(expect.arrayContaining([theirs, t.input.redirectUri]));
  const repaired = await readDevicePolicy(ctx, policy!.id);
  if (echoed !== undefined) expect(repaired.newDeviceNotification).toBe('NONE');
  expect(repaired.sms?.enabled).toBe(true);
}

/** Teardown removes everything with the prefix; a second one finds nothing. */
export async function teardownLeavesNothing(t: LiveTarget): Promise<void> {
  const down = await teardown(t.input);
  expect(down.steps.every((s) => s.outcome === 'deleted' || s.outcome === 'absent')).toBe(true);
  const again = await teardown(t.input);
  expect(again.changed).toBe(false);
}

/**
 * Declares the live checks, in order, inside the caller's `describe`: the live test and its
 * emulator twin run exactly these.
 */
export function liveSteps(target: () => LiveTarget): void {
  let settings: ProvisionSettings | undefined;
  it('provisions with the published bodies and reads them back whole', async () => {
    settings = await firstRunAndReadBack(target());
  });
  it('a second run changes nothing', async () => {
    await secondRunChangesNothing(target());
  });
  it('the token endpoint accepts Basic built from the raw client id and secret', async () => {
    if (!settings) throw new Error('the first run did not finish: nothing to probe');
    await tokenEndpointTakesRawBasic(target(), settings);
  });
  it('repairs drift by read-modify-write, keeping every field PingOne holds', async () => {
    await repairKeepsWhatPingOneHolds(target());
  });
  it('tears down everything carrying the prefix', async () => {
    await teardownLeavesNothing(target());
  });
}
