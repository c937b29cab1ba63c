import { PingOneUnavailableError, type PingOneStep } from '../errors.js';
import { LOCAL_ERROR_CODES, type PingOneError } from '../pingone/http.js';

/**
 * PingOne could not answer usefully (down, slow, limiting, 5xx): a 502/503 page that names the
 * step and PingOne's error id; nothing is recorded.
 */
export function unavailable(step: PingOneStep, error: PingOneError): PingOneUnavailableError {
  const options = {
    cause: error,
    ...(error.pingoneErrorId ? { pingoneErrorId: error.pingoneErrorId } : {}),
  };
  if (error.status === 429) {
    const retryAfter = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    return new PingOneUnavailableError(503, 'PINGONE_RATE_LIMITED', step, {
      ...options,
      retryAfter,
    });
  }
  if (error.code === LOCAL_ERROR_CODES.timeout) {
    return new PingOneUnavailableError(503, 'PINGONE_TIMEOUT', step, options);
  }
  if (error.status === undefined) {
    return new PingOneUnavailableError(502, 'PINGONE_UNREACHABLE', step, options);
  }
  return new PingOneUnavailableError(502, 'PINGONE_ERROR', step, options);
}

/** A stale or unknown flow: PingOne forgot it (docs/pingone-contract.md §9: 10 minutes, then 404). */
export function isExpiredFlow(error: PingOneError): boolean {
  return error.status === 404 || error.code === 'NOT_FOUND';
}

/** What a PingOne failure means for the person waiting: a 502/503 page, or a settled outcome. */
export type FailureOutcome =
  { kind: 'unavailable'; error: PingOneUnavailableError } | { kind: 'expired' | 'failed' };

/**
 * The one triage of a PingOne failure during an approval: transient (down, slow, limiting) →
 * unavailable, the flow forgotten → expired, anything else → failed. Only a flow can expire:
 * before authorize answers there is none, so a 404 there is a refusal like any other.
 */
export function triageFailure(step: PingOneStep, error: PingOneError): FailureOutcome {
  if (error.transient) return { kind: 'unavailable', error: unavailable(step, error) };
  return { kind: step !== 'authorize' && isExpiredFlow(error) ? 'expired' : 'failed' };
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
  if (/expired/i.test(`${detail?.message ?? ''} ${error.description ?? ''}`)) {
    return { locked: true, expired: true, attemptsLeft: 0 };
  }
  const remaining = detail?.innerError?.remainingAttempts;
  if (typeof remaining === 'number' && Number.isFinite(remaining)) {
    return { locked: remaining <= 0, attemptsLeft: Math.max(0, remaining) };
  }
  return { locked: false };
}
