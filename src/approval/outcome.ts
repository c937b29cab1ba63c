import type { Request } from 'express';
import { PingOneUnavailableError, type PingOneStep } from '../errors.js';
import { LOCAL_ERROR_CODES, PingOneError } from '../pingone/pingone-error.js';
import { WORKFLOW_STEPS } from '../pingone/workflow-steps.js';
import { tell, type ApprovalContext } from './approval-context.js';
import { pingoneFailure, type ApprovalStep } from './approval-events.js';
import type { PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

/** PingOne down, slow or limiting: a 502/503 page naming the step and PingOne's error id. */
export function unavailable(step: PingOneStep, error: PingOneError): PingOneUnavailableError {
  const options = { cause: error, pingoneErrorId: error.pingoneErrorId || undefined };
  if (error.status === 429) {
    const retryAfter = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    return new PingOneUnavailableError(503, 'PINGONE_RATE_LIMITED', step, {
      ...options,
      retryAfter,
    });
  }
  if (error.code === LOCAL_ERROR_CODES.timeout)
    return new PingOneUnavailableError(503, 'PINGONE_TIMEOUT', step, options);
  const code = error.status === undefined ? 'PINGONE_UNREACHABLE' : 'PINGONE_ERROR';
  return new PingOneUnavailableError(502, code, step, options);
}

/** PingOne forgot the flow (docs/pingone-contract.md §9: 10 minutes, then 404). */
export function isExpiredFlow(error: PingOneError): boolean {
  return error.status === 404 || error.code === 'NOT_FOUND';
}

/**
 * Transient → unavailable; the flow forgotten or its code expired → expired; else failed. Before
 * authorize answers there is no flow, so a 404 there is a refusal like any other.
 */
export function triageFailure(
  step: PingOneStep,
  error: PingOneError,
): { kind: 'unavailable'; error: PingOneUnavailableError } | { kind: 'expired' | 'failed' } {
  if (error.transient) return { kind: 'unavailable', error: unavailable(step, error) };
  if (step === 'authorize') return { kind: 'failed' };
  const expired = isExpiredFlow(error) || (step === 'otp.check' && wrongCodeInfo(error)?.expired);
  return { kind: expired ? 'expired' : 'failed' };
}

/** A 400 of otp.check: wrong code; `locked` when PingOne said no attempts are left. */
export function wrongCodeInfo(
  error: PingOneError,
): { locked: boolean; expired?: boolean; attemptsLeft?: number } | undefined {
  if (error.status !== 400) return undefined;
  if (error.hasDetail('QUOTA_EXCEEDED')) return { locked: true, attemptsLeft: 0 };
  const detail = error.details.find((d) => d.code === 'INVALID_OTP') ?? error.details[0];
  // An expired code is reported like a wrong one; only the message tells them apart. Treating it
  // as "expired" lets the person send a new code for the same transfer instead of starting over.
  if (/expired/i.test(`${detail?.message ?? ''} ${error.description ?? ''}`))
    return { locked: true, expired: true, attemptsLeft: 0 };
  const remaining = detail?.innerError?.remainingAttempts;
  if (typeof remaining === 'number' && Number.isFinite(remaining))
    return { locked: remaining <= 0, attemptsLeft: Math.max(0, remaining) };
  return { locked: false };
}

/** The workflow step of a call; discovery and userinfo are calls of the token step. */
function workflowStep(call: PingOneStep): ApprovalStep {
  const name = call === 'discovery' || call === 'userinfo' ? 'token' : call;
  return WORKFLOW_STEPS.find((s) => s.name === name)!.step as ApprovalStep;
}

/**
 * Every PingOne failure of an approval ends here: told, then triaged. Transient: `putBack` keeps
 * the flow for another try and the 502/503 page is thrown; otherwise the approval settles.
 * Anything that is not a PingOne failure is rethrown as it is.
 */
export async function pingoneFailed(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
  call: PingOneStep,
  error: unknown,
  putBack?: () => Promise<void>,
): Promise<void> {
  if (!(error instanceof PingOneError)) throw error;
  const step = workflowStep(call);
  const failure = triageFailure(call, error);
  tell(ctx, req, transfer.id, () => ({
    kind: 'pingone-failed',
    step,
    call,
    transient: failure.kind === 'unavailable',
    pingone: pingoneFailure(error),
  }));
  if (failure.kind === 'unavailable') {
    await putBack?.();
    throw failure.error;
  }
  const expiredFlow = isExpiredFlow(error) ? 'flow_expired' : 'code_expired';
  await settle(ctx, req, transfer, failure.kind, {
    reason: failure.kind === 'failed' ? 'pingone_refused' : expiredFlow,
    step,
    ...(error.pingoneErrorId && { pingoneErrorId: error.pingoneErrorId }),
  });
}
