import {
  apiPath,
  listAll,
  remove,
  send,
  writableFields,
  type Device,
  type DeviceAuthenticationPolicy,
  type DeviceAuthenticationPolicyBody,
  type DeviceMethodSettings,
  type ManagementContext,
  type OfflineMethodSettings,
  type User,
} from '../../pingone/management.js';
import { allNamed, findOrCreate, oldest, WOULD_CREATE } from '../find-or-create.js';
import { runStep } from '../run-step.js';
import { samePhone } from '../same-phone.js';
import type { Found, ProvisionContext } from '../setup-context.js';

const MINUTES = (duration: number) => ({ duration, timeUnit: 'MINUTES' });

/** How long a texted code works (step 14's SMS lifetime); the code page tells the user. */
export const SMS_CODE_LIFETIME_MINUTES = 5;

/** How many digits the texted code has (step 14); the approve page measures the SMS with it. */
export const SMS_OTP_LENGTH = 6;

const BASE = '/deviceAuthenticationPolicies';

/** `GET /deviceAuthenticationPolicies`. */
export function listDevicePolicies(api: ManagementContext): Promise<DeviceAuthenticationPolicy[]> {
  return listAll(api, 'list device policies', BASE, 'deviceAuthenticationPolicies');
}

/**
 * A disabled method that sends a code (email, voice), with the settings the spec requires:
 * the Terraform provider's defaults (30 minutes, 3 failures, no cool-down, 6 digits).
 */
function offlineMethodOff(): OfflineMethodSettings {
  return {
    enabled: false,
    otp: { lifeTime: MINUTES(30), failure: { count: 3, coolDown: MINUTES(0) }, otpLength: 6 },
  };
}

/**
 * A disabled app method (mobile, TOTP) with the required failure rule. Their cool-down is 2 to
 * 30 minutes (the Terraform provider's range and default), not 0 like the sent-code methods.
 */
function deviceMethodOff(): DeviceMethodSettings {
  return { enabled: false, otp: { failure: { count: 3, coolDown: MINUTES(2) } } };
}

/**
 * Step 14's body, whole as Ping's MFA spec requires it: SMS only (6 digits, 5 minutes, 3 wrong
 * codes, no cool-down), every other method present and disabled, `forSignOnPolicy: false` as
 * Ping's SDK sends it, and no "new device" notification (the default would email the demo
 * user's placeholder address, or spend one SMS, whenever setup creates the device).
 */
export function desiredDevicePolicy(name: string): DeviceAuthenticationPolicyBody {
  return {
    name,
    default: false,
    forSignOnPolicy: false,
    newDeviceNotification: 'NONE',
    sms: {
      enabled: true,
      otp: {
        lifeTime: MINUTES(SMS_CODE_LIFETIME_MINUTES),
        failure: { count: 3, coolDown: MINUTES(0) },
        otpLength: SMS_OTP_LENGTH,
      },
    },
    email: offlineMethodOff(),
    voice: offlineMethodOff(),
    mobile: deviceMethodOff(),
    totp: deviceMethodOff(),
    fido2: { enabled: false },
  };
}

/**
 * What is wrong with an existing device policy, in words; empty when the flow works with it.
 * Only what PingOne says is compared: a field it does not echo is not a drift.
 */
export function devicePolicyDrift(policy: DeviceAuthenticationPolicy): string[] {
  const drift: string[] = [];
  if (policy.sms?.enabled !== true) drift.push('SMS disabled');
  const notify = policy.newDeviceNotification;
  if (notify !== undefined && notify !== 'NONE') drift.push(`new-device notification ${notify}`);
  return drift;
}

/**
 * The repair of a device policy read back whole: everything kept, SMS switched on, the
 * notification off, and any block the spec requires but the answer lacked filled in.
 */
export function repairedDevicePolicy(
  current: DeviceAuthenticationPolicy,
  desired: DeviceAuthenticationPolicyBody,
): DeviceAuthenticationPolicyBody {
  const kept = writableFields(current);
  const block = <K extends 'sms' | 'email' | 'voice' | 'mobile' | 'totp'>(key: K) =>
    ({ ...desired[key], ...(current[key] ?? {}) }) as DeviceAuthenticationPolicyBody[K];
  const sms = block('sms');
  return {
    ...kept,
    name: current.name,
    default: current.default ?? false,
    forSignOnPolicy: false,
    newDeviceNotification: 'NONE',
    sms: { ...sms, enabled: true, otp: current.sms?.otp ?? desired.sms.otp },
    email: block('email'),
    voice: block('voice'),
    mobile: block('mobile'),
    totp: block('totp'),
  };
}

/**
 * Step 14: the device authentication policy of the MFA action and the SMS device: how long a
 * code lives, how many wrong ones are allowed.
 */
export function ensureDevicePolicy(
  ctx: ProvisionContext,
): Promise<Found<DeviceAuthenticationPolicy> | undefined> {
  const { api, names } = ctx;
  const desired = desiredDevicePolicy(names.devicePolicyName);
  return runStep(ctx, 14, () =>
    findOrCreate(ctx, {
      find: async () => oldest(allNamed(await listDevicePolicies(api), names.devicePolicyName)),
      create: () =>
        send<DeviceAuthenticationPolicy>(api, 'create device policy', 'POST', BASE, desired),
      drift: devicePolicyDrift,
      // A PUT replaces the policy: start from all of it, as PingOne has it now.
      repair: async (policy) => {
        const path = apiPath`/deviceAuthenticationPolicies/${policy.id}`;
        const read = send<DeviceAuthenticationPolicy>(api, 'read device policy', 'GET', path);
        const body = repairedDevicePolicy(await read, desired);
        return send(api, 'update device policy', 'PUT', path, body);
      },
    }),
  );
}

/** `GET /users/{id}/devices`. */
export function listDevices(api: ManagementContext, userId: string): Promise<Device[]> {
  return listAll(api, 'list user devices', apiPath`/users/${userId}/devices`, 'devices');
}

/** An admin-created device without `status` is ACTIVE at once (docs/pingone-contract.md §4). */
export const isActive = (d: Device) => (d.status ?? 'ACTIVE') === 'ACTIVE';

/** Step 15's body: an SMS device under our device policy (ACTIVE at once: no `status`). */
export function desiredSmsDevice(
  phone: string,
  devicePolicyId: string,
): { type: 'SMS'; phone: string; policy: { id: string } } {
  return { type: 'SMS', phone, policy: { id: devicePolicyId } };
}

/**
 * Step 15: an ACTIVE SMS device for the phone, where PingOne texts the code. A device for the
 * phone that is not ACTIVE would still be offered: it is replaced.
 */
export function ensureSmsDevice(
  ctx: ProvisionContext,
  user: Found<User> | undefined,
  devicePolicy: Found<DeviceAuthenticationPolicy> | undefined,
): Promise<Found<Device> | undefined> {
  const { api, phone } = ctx;
  return runStep(ctx, 15, async () => {
    if (!user || !devicePolicy) return WOULD_CREATE;
    const userId = user.value.id;
    let inactive: Device[] = [];
    return findOrCreate(ctx, {
      parents: [user, devicePolicy],
      find: async () => {
        const ours = (await listDevices(api, userId)).filter(
          (d) => d.type === 'SMS' && samePhone(d.phone, phone),
        );
        inactive = ours.filter((d) => !isActive(d));
        return ours.find(isActive);
      },
      create: async () => {
        const devices = apiPath`/users/${userId}/devices`;
        await Promise.all(
          inactive.map((d) =>
            remove(api, 'delete SMS device', apiPath`/users/${userId}/devices/${d.id}`),
          ),
        );
        // PingOne may answer 200 or 201 (docs/pingone-contract.md §9).
        const body = desiredSmsDevice(phone, devicePolicy.value.id);
        return send<Device>(api, 'create SMS device', 'POST', devices, body);
      },
      missing: () => (inactive.length ? 'device not ACTIVE' : 'device missing'),
    });
  });
}
