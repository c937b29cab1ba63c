import { EXPIRED_OTP_FAILS_FLOW, LOCKED_FLOW_ANSWER, WRONG_OTP_ANSWER } from './constants.js';
import type { Context } from './context.js';
import { newFlowCookies, type Flow, type FlowStep } from './flow-registry.js';
import { sendOtp } from './otp-sender.js';
import { answerError, invalidData, P1Error } from './p1-error.js';
import { sameSecret } from './authorize-checks.js';
import { userNamed, type Environment } from './store.js';

const STATUS_OF: Record<FlowStep, Flow['status']> = {
  LOOKUP: 'SIGN_ON_REQUIRED',
  PASSWORD: 'USERNAME_PASSWORD_REQUIRED',
  MFA: 'OTP_REQUIRED',
};

/** Moves the flow to its next required step, sending the OTP when MFA is next. */
export function advance(ctx: Context, env: Environment, flow: Flow): void {
  const step = flow.pending[0];
  if (step) {
    if (step === 'MFA') sendOtp(ctx, env, flow);
    flow.status = STATUS_OF[step];
    return;
  }
  flow.status = 'COMPLETED';
  // A flow answered from an SSO session keeps that session's authentication time.
  flow.authTime ??= ctx.clock.now();
}

function requireValues(values: Record<string, unknown>): void {
  const details = Object.entries(values)
    .filter(([, v]) => typeof v !== 'string' || !v)
    .map(([target]) => ({ code: 'REQUIRED_VALUE', target, message: `${target} is required` }));
  if (details.length) throw invalidData(details);
}

function fail(flow: Flow, description: string): void {
  flow.status = 'FAILED';
  flow.failure = { error: 'access_denied', description };
  delete flow.otp;
}

export function wrongStatus(flow: Flow, action: string): P1Error {
  if (flow.status === 'FAILED') {
    return answerError(LOCKED_FLOW_ANSWER, 'The flow has failed.', {
      message: 'Too many failed attempts; start a new authorization.',
    });
  }
  const message = `${action} is not allowed while the flow is ${flow.status}.`;
  return new P1Error(400, 'REQUEST_FAILED', message);
}

function wrongOtp(message: string, remainingAttempts: number): P1Error {
  const detail = { target: 'otp', message, innerError: { remainingAttempts } };
  return answerError(WRONG_OTP_ANSWER, message, detail);
}

/** `otp.check` (docs/pingone-contract.md §6.17): attempts counted, lifetime enforced (constants.ts for the [G] answers). */
export function checkOtp(ctx: Context, env: Environment, flow: Flow, otp: unknown): void {
  if (flow.status !== 'OTP_REQUIRED' || !flow.otp) throw wrongStatus(flow, 'otp.check');
  if (typeof otp !== 'string' || otp === '') {
    throw new P1Error(400, 'INVALID_DATA', 'otp is required', [
      { code: 'REQUIRED_VALUE', target: 'otp', message: 'otp is required' },
    ]);
  }
  if (ctx.clock.now() >= flow.otp.expiresAt) {
    if (EXPIRED_OTP_FAILS_FLOW) fail(flow, 'The one-time passcode expired');
    throw wrongOtp('The one-time passcode has expired.', 0);
  }
  if (!sameSecret(otp, flow.otp.value)) {
    flow.otp.remaining -= 1;
    const remaining = flow.otp.remaining;
    if (remaining <= 0) fail(flow, 'Too many wrong one-time passcodes');
    throw wrongOtp('Invalid one-time passcode.', Math.max(remaining, 0));
  }
  delete flow.otp;
  flow.amr.push('otp');
  completeStep(ctx, env, flow);
}

/** `user.lookup` (docs/pingone-contract.md §6.20): the user of an MFA-only flow without a hint. */
export function lookUpUser(ctx: Context, env: Environment, flow: Flow, username: unknown): void {
  if (flow.status !== 'SIGN_ON_REQUIRED') throw wrongStatus(flow, 'user.lookup');
  requireValues({ username });
  const user = userNamed(env, username as string);
  if (!user || user.enabled === false) {
    throw new P1Error(400, 'INVALID_DATA', 'The user could not be found.', [
      { code: 'INVALID_VALUE', target: 'username', message: 'No enabled user has that username.' },
    ]);
  }
  flow.userId = user.id;
  completeStep(ctx, env, flow);
}

/** `usernamePassword.check`: the password set in step 12; the user must match a login_hint_token. */
export function checkPassword(
  ctx: Context,
  env: Environment,
  flow: Flow,
  username: unknown,
  password: unknown,
): void {
  if (flow.status !== 'USERNAME_PASSWORD_REQUIRED')
    throw wrongStatus(flow, 'usernamePassword.check');
  requireValues({ username, password });
  const user = userNamed(env, username as string);
  const stored = user ? env.passwords.get(user.id) : undefined;
  const ok =
    user !== undefined &&
    user.enabled !== false &&
    stored !== undefined &&
    sameSecret(password as string, stored.value) &&
    (flow.userId === undefined || flow.userId === user.id);
  if (!ok) {
    throw new P1Error(400, 'INVALID_DATA', 'Invalid username or password.', [
      {
        code: 'INVALID_VALUE',
        target: 'password',
        message: 'The username or password is not correct.',
      },
    ]);
  }
  flow.userId = user!.id;
  flow.amr.push('pwd');
  completeStep(ctx, env, flow);
}

/**
 * On to the next step (a refusal there, such as no device, fails the flow), with new cookie
 * values (PingOne may rotate them on any step) and, as a variant, a new flow id.
 */
function completeStep(ctx: Context, env: Environment, flow: Flow): void {
  flow.pending.shift();
  try {
    advance(ctx, env, flow);
  } catch (error) {
    if (error instanceof P1Error) fail(flow, error.message);
    throw error;
  }
  flow.cookies = newFlowCookies();
  if (ctx.variants.flowIdRotation) ctx.flows.rekey(flow);
}
