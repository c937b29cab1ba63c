import { describe, expect, it } from 'vitest';
import {
  isExpiredFlow,
  pingoneFailed,
  triageFailure,
  unavailable,
  wrongCodeInfo,
} from '../../../src/approval/outcome.js';
import { PingOneError } from '../../../src/pingone/pingone-error.js';

const base = { step: 'otp.check', method: 'POST', url: 'http://p1/env/flows/f' };

describe('wrongCodeInfo', () => {
  it('reads remainingAttempts from the INVALID_OTP detail', () => {
    const error = new PingOneError({
      ...base,
      status: 400,
      code: 'INVALID_DATA',
      details: [
        {
          code: 'INVALID_OTP',
          message: 'Invalid one-time passcode.',
          innerError: { remainingAttempts: 2 },
        },
      ],
    });
    expect(wrongCodeInfo(error)).toEqual({ locked: false, attemptsLeft: 2 });
  });

  it('calls zero attempts left, or QUOTA_EXCEEDED, locked', () => {
    const last = new PingOneError({
      ...base,
      status: 400,
      code: 'INVALID_DATA',
      details: [{ code: 'INVALID_OTP', innerError: { remainingAttempts: 0 } }],
    });
    expect(wrongCodeInfo(last)).toEqual({ locked: true, attemptsLeft: 0 });
    const quota = new PingOneError({
      ...base,
      status: 400,
      code: 'REQUEST_FAILED',
      details: [{ code: 'QUOTA_EXCEEDED' }],
    });
    expect(wrongCodeInfo(quota)).toMatchObject({ locked: true });
  });

  it('tells an expired code apart from a wrong one by its message', () => {
    const expired = new PingOneError({
      ...base,
      status: 400,
      code: 'INVALID_DATA',
      details: [
        {
          code: 'INVALID_OTP',
          message: 'The one-time passcode has expired.',
          innerError: { remainingAttempts: 0 },
        },
      ],
    });
    expect(wrongCodeInfo(expired)).toMatchObject({ locked: true, expired: true });
  });

  it('accepts a 400 without attempts (unknown) and ignores other statuses', () => {
    expect(wrongCodeInfo(new PingOneError({ ...base, status: 400, code: 'INVALID_DATA' }))).toEqual(
      { locked: false },
    );
    expect(
      wrongCodeInfo(new PingOneError({ ...base, status: 401, code: 'ACCESS_FAILED' })),
    ).toBeUndefined();
  });
});

describe('unavailable', () => {
  it('maps 429 to 503 with Retry-After in seconds', () => {
    const e = unavailable(
      'authorize',
      new PingOneError({
        ...base,
        status: 429,
        code: 'REQUEST_LIMITED',
        retryAfterMs: 2500,
        pingoneErrorId: 'id-1',
      }),
    );
    expect(e).toMatchObject({
      status: 503,
      code: 'PINGONE_RATE_LIMITED',
      retryAfter: 3,
      step: 'authorize',
      pingoneErrorId: 'id-1',
    });
  });

  it('maps timeouts to 503, network errors and 5xx to 502', () => {
    expect(unavailable('resume', new PingOneError({ ...base, code: 'TIMEOUT' }))).toMatchObject({
      status: 503,
      code: 'PINGONE_TIMEOUT',
    });
    expect(
      unavailable('resume', new PingOneError({ ...base, code: 'NETWORK_ERROR' })),
    ).toMatchObject({ status: 502, code: 'PINGONE_UNREACHABLE' });
    expect(
      unavailable('token', new PingOneError({ ...base, status: 500, code: 'UNEXPECTED_ERROR' })),
    ).toMatchObject({ status: 502, code: 'PINGONE_ERROR', step: 'token' });
  });
});

describe('isExpiredFlow', () => {
  it('is true for 404 and NOT_FOUND', () => {
    expect(isExpiredFlow(new PingOneError({ ...base, status: 404, code: 'NOT_FOUND' }))).toBe(true);
    expect(isExpiredFlow(new PingOneError({ ...base, status: 400, code: 'INVALID_DATA' }))).toBe(
      false,
    );
  });
});

describe('triageFailure', () => {
  const gone = new PingOneError({ ...base, status: 404, code: 'NOT_FOUND' });
  const refused = new PingOneError({ ...base, status: 400, code: 'INVALID_DATA' });
  const down = new PingOneError({ ...base, status: 503, code: 'UNEXPECTED_ERROR' });

  it('sends a transient failure to the unavailable page, naming the step', () => {
    const outcome = triageFailure('resume', down);
    expect(outcome.kind).toBe('unavailable');
    expect(outcome.kind === 'unavailable' && outcome.error).toMatchObject({
      status: 502,
      code: 'PINGONE_ERROR',
      step: 'resume',
    });
  });

  it('settles a forgotten flow as expired and any other refusal as failed', () => {
    for (const step of ['otp.check', 'resume', 'token'] as const) {
      expect(triageFailure(step, gone)).toEqual({ kind: 'expired' });
      expect(triageFailure(step, refused)).toEqual({ kind: 'failed' });
    }
  });

  it('calls a 404 of authorize a refusal: no flow exists yet to expire', () => {
    expect(triageFailure('authorize', gone)).toEqual({ kind: 'failed' });
  });
});

describe('pingoneFailed', () => {
  it('rethrows what is not a PingOne failure as it is, before telling or settling anything', async () => {
    // A store failure or a bug must not be triaged, logged or settled as PingOne's refusal.
    const bug = new TypeError('not a PingOne answer');
    const nothing = {} as never;
    await expect(pingoneFailed(nothing, nothing, nothing, 'token', bug)).rejects.toBe(bug);
  });
});
