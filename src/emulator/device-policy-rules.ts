import { fromSchema, type FieldRule } from './field-rule.js';

const TIME_UNITS = ['MINUTES', 'SECONDS'] as const; // MFA EnumTimeUnit
const COMMON = 'MFA DeviceAuthenticationPolicyCommon';

/** The OTP failure block of every method (OfflineDevice and the `mobile` / `totp` objects). */
function otpFailureRules(prefix: string): FieldRule[] {
  return fromSchema(COMMON, [
    { path: `${prefix}.otp.failure`, type: 'object', required: true },
    {
      path: `${prefix}.otp.failure.count`,
      type: 'integer',
      required: true,
      min: 1,
      max: 7,
      source: `${COMMON} (required); range 1–7: TF pingone_mfa_device_policy otp.failure.count`,
    },
    { path: `${prefix}.otp.failure.coolDown`, type: 'object', required: true },
    {
      path: `${prefix}.otp.failure.coolDown.duration`,
      type: 'integer',
      required: true,
      min: 0,
      source: `${COMMON}; minimum 0: EMULATOR (Ping's step-14 example sends 0)`,
    },
    {
      path: `${prefix}.otp.failure.coolDown.timeUnit`,
      type: 'string',
      required: true,
      enum: TIME_UNITS,
      source: `${COMMON}, EnumTimeUnit`,
    },
  ]);
}

/** sms, voice, email: MFA `DeviceAuthenticationPolicyOfflineDevice`. */
function offlineDeviceRules(method: 'sms' | 'email' | 'voice'): FieldRule[] {
  const schema = 'MFA DeviceAuthenticationPolicyOfflineDevice';
  return [
    { path: method, type: 'object', required: true, source: 'MFA DeviceAuthenticationPolicy' },
    ...fromSchema(schema, [
      { path: `${method}.enabled`, type: 'boolean', required: true },
      { path: `${method}.pairingDisabled`, type: 'boolean' },
      { path: `${method}.promptForNicknameOnPairing`, type: 'boolean' },
      { path: `${method}.otp`, type: 'object', required: true },
      { path: `${method}.otp.lifeTime`, type: 'object', required: true },
      {
        path: `${method}.otp.lifeTime.duration`,
        type: 'integer',
        required: true,
        min: 1,
        source: `${schema}; minimum 1: EMULATOR (a code that expires at once is useless)`,
      },
      {
        path: `${method}.otp.lifeTime.timeUnit`,
        type: 'string',
        required: true,
        enum: TIME_UNITS,
        source: `${schema}, EnumTimeUnit`,
      },
    ]),
    ...otpFailureRules(method),
    {
      path: `${method}.otp.otpLength`,
      type: 'integer',
      min: 6,
      max: 10,
      source: `${schema} otpLength (6–10, default 6)`,
    },
  ];
}

/** mobile and totp: `enabled` and `otp.failure` (MFA DeviceAuthenticationPolicyCommon). */
function failureOnlyRules(method: 'mobile' | 'totp'): FieldRule[] {
  return [
    { path: method, type: 'object', required: true, source: 'MFA DeviceAuthenticationPolicy' },
    ...fromSchema(`${COMMON}.${method}`, [
      { path: `${method}.enabled`, type: 'boolean', required: true },
      { path: `${method}.otp`, type: 'object', required: true },
    ]),
    ...otpFailureRules(method),
  ];
}

/** Step 14. `forSignOnPolicy` is read-only: OpenAPI 3.0 requires those in answers only. */
export const DEVICE_AUTHENTICATION_POLICY_RULES: FieldRule[] = [
  ...fromSchema('MFA DeviceAuthenticationPolicy', [
    { path: 'name', type: 'string', required: true },
    { path: 'default', type: 'boolean', required: true },
  ]),
  ...fromSchema(COMMON, [
    {
      path: 'forSignOnPolicy',
      type: 'boolean',
      source: `${COMMON} (deprecated, read-only: required in answers only)`,
    },
    {
      path: 'newDeviceNotification',
      type: 'string',
      enum: ['NONE', 'EMAIL_THEN_SMS', 'SMS_THEN_EMAIL'],
      source: 'MFA EnumMFADevicePolicyNewDeviceNotification',
    },
    { path: 'authentication', type: 'object' },
    {
      path: 'authentication.deviceSelection',
      type: 'string',
      required: true,
      enum: ['DEFAULT_TO_FIRST', 'PROMPT_TO_SELECT', 'ALWAYS_DISPLAY_DEVICES'],
      source: `${COMMON}, EnumMFADevicePolicySelection`,
    },
    { path: 'ignoreUserLock', type: 'boolean' },
  ]),
  ...offlineDeviceRules('sms'),
  ...offlineDeviceRules('email'),
  ...offlineDeviceRules('voice'),
  ...failureOnlyRules('mobile'),
  ...failureOnlyRules('totp'),
  { path: 'fido2', type: 'object', source: COMMON },
  { path: 'fido2.enabled', type: 'boolean', required: true, source: `${COMMON}.fido2` },
];
