import type { Router } from 'express';
import type { Checker } from './checker.js';
import { OTP_FAILURE_COUNT_RANGE, OTP_LENGTH_RANGE } from './constants.js';
import type { Context } from './context.js';
import { assertUnique, crudRoutes } from './crud-routes.js';
import { P1Error } from './p1-error.js';

const OTHER_METHODS = ['email', 'voice', 'mobile', 'totp', 'fido2'] as const;
const TIME_UNITS = ['MINUTES', 'SECONDS'] as const;

/** Device authentication policies (step 14): the SMS OTP's failure count, lifetime and length. */
export function devicePolicyRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'deviceAuthenticationPolicies',
    path: '/deviceAuthenticationPolicies',
    what: 'device authentication policy',
    build(c, scope) {
      const name = c.string('name', { required: true, max: 256 });
      const isDefault = scope.existing?.default === true ? true : (c.bool('default') ?? false);
      const sms = smsSettings(c);
      const fields: Record<string, unknown> = { name, default: isDefault, sms };
      for (const m of OTHER_METHODS)
        fields[m] = { ...(objectAt(c, m) ?? {}), enabled: c.bool(`${m}.enabled`) ?? false };
      c.done();
      return fields;
    },
    unique: (fields, scope) =>
      assertUnique(scope, 'deviceAuthenticationPolicies', 'name', fields.name),
    beforeDelete(doc) {
      if (doc.default === true) {
        throw new P1Error(
          400,
          'INVALID_DATA',
          'The default device authentication policy cannot be deleted.',
          [
            {
              code: 'CONSTRAINT_VIOLATION',
              message: 'The default device authentication policy cannot be deleted',
            },
          ],
        );
      }
    },
  });
}

function objectAt(c: Checker, target: string): Record<string, unknown> | undefined {
  const v = c.get(target);
  return v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function smsSettings(c: Checker): Record<string, unknown> {
  const enabled = c.bool('sms.enabled') ?? false;
  const count =
    c.int('sms.otp.failure.count', {
      min: OTP_FAILURE_COUNT_RANGE[0],
      max: OTP_FAILURE_COUNT_RANGE[1],
    }) ?? 3;
  const coolDownDuration = c.int('sms.otp.failure.coolDown.duration', { min: 0, max: 30 }) ?? 0;
  const coolDownUnit =
    c.string('sms.otp.failure.coolDown.timeUnit', { allowed: TIME_UNITS }) ?? 'MINUTES';
  const lifeTimeDuration = c.int('sms.otp.lifeTime.duration', { min: 1, max: 1800 }) ?? 30;
  const lifeTimeUnit = c.string('sms.otp.lifeTime.timeUnit', { allowed: TIME_UNITS }) ?? 'MINUTES';
  const otpLength =
    c.int('sms.otp.otpLength', { min: OTP_LENGTH_RANGE[0], max: OTP_LENGTH_RANGE[1] }) ?? 6;
  return {
    ...(objectAt(c, 'sms') ?? {}),
    enabled,
    otp: {
      failure: { count, coolDown: { duration: coolDownDuration, timeUnit: coolDownUnit } },
      lifeTime: { duration: lifeTimeDuration, timeUnit: lifeTimeUnit },
      otpLength,
    },
  };
}
