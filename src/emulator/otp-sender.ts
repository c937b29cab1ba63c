import { randomInt } from 'node:crypto';
import {
  DEFAULT_OTP,
  MFA_NOT_ENABLED_ANSWER,
  NO_DEVICE_ANSWER,
  OTP_PLACEHOLDERS,
} from './constants.js';
import type { Context } from './context.js';
import type { Flow } from './flow-registry.js';
import { answerError, P1Error } from './p1-error.js';
import type { CodeFate } from './sms-outbox.js';
import { field, find, list, type Doc, type Environment } from './store.js';

/** docs/pingone-contract.md §8: MFA on and an ACTIVE SMS device (the first: `DEFAULT_TO_FIRST`). */
export function sendOtp(ctx: Context, env: Environment, flow: Flow): void {
  const user = find(env, 'users', flow.userId!);
  if (!user) throw new P1Error(400, 'REQUEST_FAILED', 'The user no longer exists.');
  if (user.mfaEnabled !== true) {
    throw answerError(MFA_NOT_ENABLED_ANSWER, 'MFA is not enabled for the user.', {
      message: 'The user has mfaEnabled=false.',
    });
  }
  const action = flow.policy.mfaActionId
    ? find(env, 'actions', flow.policy.mfaActionId)
    : undefined;
  // The action's own `sms` is deprecated (docs/pingone-contract.md §4 step 7): without it, the device policy decides.
  const smsAllowed = action?.sms
    ? field(action, 'sms.enabled') === true
    : field(devicePolicyOf(env, action, undefined), 'sms.enabled') !== false;
  const device = smsAllowed
    ? list(env, 'devices', 'user.id', user.id)
        .filter((d) => d.type === 'SMS' && d.status === 'ACTIVE')
        .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))[0]
    : undefined;
  if (!device) {
    throw answerError(NO_DEVICE_ANSWER, 'The user has no usable MFA device.', {
      message: 'No ACTIVE SMS device is allowed by the sign-on policy.',
    });
  }
  const settings = otpSettings(env, action, device);
  const value = Array.from({ length: settings.length }, () => String(randomInt(10))).join('');
  const now = ctx.clock.now();
  const otp = {
    value,
    deviceId: device.id,
    expiresAt: now + settings.lifetimeMs,
    remaining: settings.failureCount,
  };
  flow.otp = otp;
  ctx.outbox.send(
    {
      to: String(device.phone),
      text: renderTemplate(flow.smsTemplate.content, flow.smsTemplate.variables, value),
      otp: value,
      sentAt: new Date(now).toISOString(),
    },
    () => codeFate(flow, otp, ctx.clock.now()),
  );
}

/** Asked on each listing: the outbox outlives the flow's copy of the code. */
function codeFate(flow: Flow, otp: NonNullable<Flow['otp']>, now: number): CodeFate {
  if (flow.amr.includes('otp')) return 'used';
  if (otp.remaining <= 0) return 'locked';
  const over = now >= Math.min(otp.expiresAt, flow.expiresAt) || flow.status === 'FAILED';
  return over ? 'expired' : 'waiting';
}

function renderTemplate(content: string, variables: Record<string, string>, otp: string): string {
  return content.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) => {
    if ((OTP_PLACEHOLDERS as readonly string[]).includes(name)) return otp;
    return Object.hasOwn(variables, name) ? variables[name]! : whole;
  });
}

/** The action's device policy, else the device's, else the environment's default. */
function devicePolicyOf(
  env: Environment,
  action: Doc | undefined,
  device: Doc | undefined,
): Doc | undefined {
  const policyId = field(action, 'deviceAuthenticationPolicy.id') ?? field(device, 'policy.id');
  return (
    (typeof policyId === 'string'
      ? find(env, 'deviceAuthenticationPolicies', policyId)
      : undefined) ?? list(env, 'deviceAuthenticationPolicies').find((p) => p.default === true)
  );
}

/** The SMS OTP of the device policy (docs/pingone-contract.md §4 step 14, §7). */
function otpSettings(env: Environment, action: Doc | undefined, device: Doc) {
  const otp = field(devicePolicyOf(env, action, device), 'sms.otp');
  if (!otp) return DEFAULT_OTP;
  const number = (path: string, fallback: number) => {
    const value = field(otp, path);
    return typeof value === 'number' ? value : fallback;
  };
  const unitMs = field(otp, 'lifeTime.timeUnit') === 'SECONDS' ? 1000 : 60_000;
  return {
    failureCount: number('failure.count', DEFAULT_OTP.failureCount),
    lifetimeMs: number('lifeTime.duration', DEFAULT_OTP.lifetimeMs / unitMs) * unitMs,
    length: number('otpLength', DEFAULT_OTP.length),
  };
}
