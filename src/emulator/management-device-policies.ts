import type { Router } from 'express';
import type { Context } from './context.js';
import { assertUnique, crudRoutes } from './crud-routes.js';
import { constraintViolation } from './p1-error.js';

const OFFLINE_METHODS = ['sms', 'email', 'voice'] as const;

/**
 * Device authentication policies (step 14). The body's shape, enums and ranges are
 * MANAGEMENT_RULES.deviceAuthenticationPolicy; what PingOne fills in when a field is absent is
 * applied here, so that a read-back shows it (docs/pingone-contract.md §4 step 14).
 */
export function devicePolicyRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'deviceAuthenticationPolicies',
    path: '/deviceAuthenticationPolicies',
    what: 'device authentication policy',
    rules: 'deviceAuthenticationPolicy',
    build(c, scope) {
      c.done();
      const body = c.body;
      const fields: Record<string, unknown> = {
        ...body,
        // The environment's default policy stays the default (PingOne refuses to unset it).
        default: scope.existing?.default === true ? true : body.default,
        // MFA EnumMFADevicePolicyNewDeviceNotification: absent means EMAIL_THEN_SMS.
        newDeviceNotification: body.newDeviceNotification ?? 'EMAIL_THEN_SMS',
        // MFA EnumMFADevicePolicySelection: absent means DEFAULT_TO_FIRST.
        authentication: body.authentication ?? { deviceSelection: 'DEFAULT_TO_FIRST' },
        // Deprecated and read-only: PingOne answers it, the SDK sends false.
        forSignOnPolicy: false,
      };
      for (const m of OFFLINE_METHODS) {
        const method = body[m] as { otp: Record<string, unknown> };
        // MFA DeviceAuthenticationPolicyOfflineDevice: otpLength defaults to 6.
        fields[m] = { ...method, otp: { otpLength: 6, ...method.otp } };
      }
      return fields;
    },
    unique: (fields, scope) =>
      assertUnique(scope, 'deviceAuthenticationPolicies', 'name', fields.name),
    beforeDelete(doc) {
      if (doc.default === true) {
        const message = 'The default device authentication policy cannot be deleted';
        throw constraintViolation(`${message}.`, message);
      }
    },
  });
}
