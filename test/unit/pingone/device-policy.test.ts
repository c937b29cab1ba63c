import { describe, expect, it } from 'vitest';
import {
  desiredDevicePolicy,
  devicePolicyDrift,
  repairedDevicePolicy,
} from '../../../src/provisioning/steps/device.js';

// The required paths of Ping's MFA spec, schema DeviceAuthenticationPolicy (docs/pingone-contract.md §4, step 14).
const SENT_CODE = [
  'enabled',
  'otp.lifeTime.duration',
  'otp.lifeTime.timeUnit',
  'otp.failure.count',
];
const COOL_DOWN = ['otp.failure.coolDown.duration', 'otp.failure.coolDown.timeUnit'];
const REQUIRED = [
  'name',
  'default',
  'forSignOnPolicy',
  ...['sms', 'email', 'voice'].flatMap((m) => [...SENT_CODE, ...COOL_DOWN].map((p) => `${m}.${p}`)),
  ...['mobile', 'totp'].flatMap((m) =>
    ['enabled', 'otp.failure.count', ...COOL_DOWN].map((p) => `${m}.${p}`),
  ),
];

function at(body: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], body);
}

describe('step 14 body (desiredDevicePolicy)', () => {
  const body = desiredDevicePolicy('Bank SMS OTP');

  it('carries every field the spec requires, for disabled methods too', () => {
    expect(REQUIRED.filter((p) => at(body, p) === undefined)).toEqual([]);
  });

  it('uses the spec enums and ranges', () => {
    expect(body.forSignOnPolicy).toBe(false);
    expect(body.newDeviceNotification).toBe('NONE');
    for (const m of ['sms', 'email', 'voice'] as const) {
      expect(body[m].otp.otpLength).toBeGreaterThanOrEqual(6);
      expect(body[m].otp.otpLength).toBeLessThanOrEqual(10);
      expect(['MINUTES', 'SECONDS']).toContain(body[m].otp.lifeTime.timeUnit);
    }
    for (const m of ['sms', 'email', 'voice', 'mobile', 'totp'] as const) {
      const { count, coolDown } = body[m].otp.failure;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(7);
      expect(['MINUTES', 'SECONDS']).toContain(coolDown.timeUnit);
    }
    // The app methods' cool-down is 2-30 minutes.
    expect(body.mobile.otp.failure.coolDown.duration).toBeGreaterThanOrEqual(2);
    expect(body.totp.otp.failure.coolDown.duration).toBeGreaterThanOrEqual(2);
    expect(body.sms.enabled).toBe(true);
    expect([body.email, body.voice, body.mobile, body.totp].map((m) => m.enabled)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('device policy read-back', () => {
  const base = { id: 'p', name: 'Bank SMS OTP' };

  it('is no drift when PingOne echoes the policy with more fields or without the notification', () => {
    expect(devicePolicyDrift({ ...base, ...desiredDevicePolicy('Bank SMS OTP') })).toEqual([]);
    expect(
      devicePolicyDrift({ ...base, sms: { enabled: true, pairingDisabled: false }, fido2: {} }),
    ).toEqual([]);
  });

  it('is a drift when SMS is off or a new device would notify the user', () => {
    expect(
      devicePolicyDrift({
        ...base,
        sms: { enabled: false },
        newDeviceNotification: 'SMS_THEN_EMAIL',
      }),
    ).toEqual(['SMS disabled', 'new-device notification SMS_THEN_EMAIL']);
    expect(devicePolicyDrift(base)).toEqual(['SMS disabled']);
  });

  it('repairs by keeping what PingOne holds and filling in only what the spec requires', () => {
    const desired = desiredDevicePolicy('Bank SMS OTP');
    const current = {
      ...base,
      environment: { id: 'env' },
      _links: { self: { href: 'x' } },
      createdAt: '2026-01-01T00:00:00Z',
      default: false,
      newDeviceNotification: 'EMAIL_THEN_SMS',
      authentication: { deviceSelection: 'PROMPT_TO_SELECT' },
      sms: {
        enabled: false,
        pairingDisabled: true,
        otp: {
          lifeTime: { duration: 10, timeUnit: 'MINUTES' },
          failure: { count: 5, coolDown: { duration: 1, timeUnit: 'MINUTES' } },
          otpLength: 8,
        },
      },
      email: { ...desired.email, enabled: true },
    };
    const body = repairedDevicePolicy(current, desired);
    expect(body).not.toHaveProperty('id');
    expect(body).not.toHaveProperty('_links');
    expect(body).not.toHaveProperty('environment');
    expect(body).not.toHaveProperty('createdAt');
    expect(body.authentication).toEqual({ deviceSelection: 'PROMPT_TO_SELECT' });
    expect(body.sms).toEqual({ ...current.sms, enabled: true });
    expect(body.email.enabled).toBe(true);
    expect(body.voice).toEqual(desired.voice);
    expect(body.newDeviceNotification).toBe('NONE');
    expect(REQUIRED.filter((p) => at(body, p) === undefined)).toEqual([]);
  });
});
