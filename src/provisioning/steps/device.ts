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
import {
  allNamed,
  findOrCreate,
  oldest,
  WOULD_CREATE,
  type Found,
  type ProvisionContext,
} from '../find-or-create.js';
import { runStep } from '../run-step.js';

const MINUTES = (duration: number) => ({ duration, timeUnit: 'MINUTES' });

export const SMS_CODE_LIFETIME_MINUTES = 5;

export const SMS_OTP_LENGTH = 6;

const BASE = '/deviceAuthenticationPolicies';

export function listDevicePolicies(api: ManagementContext): Promise<DeviceAuthenticationPolicy[]> {
  return listAll(api, 'list device policies', BASE, 'deviceAuthenticationPolicies');
}

// The spec requires these settings even when disabled: the Terraform provider's defaults.
function offlineMethodOff(): OfflineMethodSettings {
  return {
    enabled: false,
    otp: { lifeTime: MINUTES(30), failure: { count: 3, coolDown: MINUTES(0) }, otpLength: 6 },
  };
}

// Cool-down 2 to 30 minutes (the Terraform provider's range), not 0 like the sent-code methods.
function deviceMethodOff(): DeviceMethodSettings {
  return { enabled: false, otp: { failure: { count: 3, coolDown: MINUTES(2) } } };
}

// Whole as Ping's MFA spec requires it; no "new device" notification (it would email the placeholder
// address, or spend an SMS, whenever setup creates the device).
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

// Only what PingOne echoes is compared: a field it does not echo is not a drift.
export function devicePolicyDrift(policy: DeviceAuthenticationPolicy): string[] {
  const drift: string[] = [];
  if (policy.sms?.enabled !== true) drift.push('SMS disabled');
  const notify = policy.newDeviceNotification;
  if (notify !== undefined && notify !== 'NONE') drift.push(`new-device notification ${notify}`);
  return drift;
}

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

export function ensureDevicePolicy(ctx: ProvisionContext) {
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

export const listDevices = (api: ManagementContext, userId: string) =>
  listAll<Device>(api, 'list user devices', apiPath`/users/${userId}/devices`, 'devices');

/** An admin-created device without `status` is ACTIVE at once (docs/pingone-contract.md §4). */
export const isActive = (d: Device) => (d.status ?? 'ACTIVE') === 'ACTIVE';

export function desiredSmsDevice(phone: string, devicePolicyId: string) {
  return { type: 'SMS', phone, policy: { id: devicePolicyId } };
}

// A device for the phone that is not ACTIVE would still be offered: it is replaced.
export function ensureSmsDevice(
  ctx: ProvisionContext,
  user: Found<User> | undefined,
  devicePolicy: Found<DeviceAuthenticationPolicy> | undefined,
) {
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

/** Digits only, for comparing phone numbers PingOne may reformat (`+1.512…`, `+1 (512)…`). */
export function phoneDigits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

export function samePhone(devicePhone: string | undefined, phone: string): boolean {
  if (!devicePhone) return false;
  if (devicePhone.includes('*'))
    return phoneDigits(devicePhone).slice(-4) === phoneDigits(phone).slice(-4);
  return phoneDigits(devicePhone) === phoneDigits(phone);
}
