import {
  writableFields,
  type DeviceAuthenticationPolicy,
  type DeviceAuthenticationPolicyBody,
  type DeviceMethodSettings,
  type OfflineMethodSettings,
} from '../pingone/management.js';

const MINUTES = (duration: number) => ({ duration, timeUnit: 'MINUTES' });

/** How long a texted code works (step 14's SMS lifetime); the code page tells the user. */
export const SMS_CODE_LIFETIME_MINUTES = 5;

/** How many digits the texted code has (step 14); the approve page measures the SMS with it. */
export const SMS_OTP_LENGTH = 6;

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
