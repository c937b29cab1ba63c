import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { emulatorForFile, startTestEmulator } from '../helpers/emulator.js';
import {
  authorize,
  call,
  cookiesOf,
  flowCall,
  lastOtp,
  provision,
  REDIRECT_URI,
  resume,
  workerToken,
  type Provisioned,
} from './fixture.js';

const { em, p } = await emulatorForFile();

const flowUrl = (id: string) => `${em.authUrl}/${em.environmentId}/flows/${id}`;

describe('POST /{env}/flows/{id} otp.check', () => {
  it('counts wrong codes (remainingAttempts 2, 1, 0), then the flow is FAILED and locked', async () => {
    const { res, cookies } = await authorize(em, p);
    const id = res.body.id as string;
    for (const remaining of [2, 1, 0]) {
      const wrong = await flowCall(em, id, cookies, {
        otp: '000000' === lastOtp(em) ? '111111' : '000000',
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.code).toBe('INVALID_DATA');
      expect(wrong.body.details[0]).toMatchObject({
        code: 'INVALID_OTP',
        target: 'otp',
        innerError: { remainingAttempts: remaining },
      });
    }
    const flow = await call(flowUrl(id), { headers: { accept: '*/*', cookie: cookies } });
    expect(flow.body.status).toBe('FAILED');
    const locked = await flowCall(em, id, cookies, { otp: lastOtp(em) });
    expect(locked.status).toBe(400);
    expect(locked.body).toMatchObject({
      code: 'REQUEST_FAILED',
      details: [{ code: 'QUOTA_EXCEEDED' }],
    });
    const resumed = await resume(em, id, cookies);
    expect(resumed.status).toBe(400);
  });

  it('accepts the right code after a wrong one and does not rotate cookies on the failure', async () => {
    const { res, cookies } = await authorize(em, p);
    const wrong = await flowCall(em, res.body.id, cookies, { otp: 'abc' });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const ok = await flowCall(em, res.body.id, cookies, { otp: lastOtp(em) });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('COMPLETED');
  });

  it('refuses an expired OTP by the device policy lifetime, failing the flow', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other, { lifetime: { duration: 90, timeUnit: 'SECONDS' } });
      const { res, cookies } = await authorize(other, q);
      other.handle.advanceTime(91_000);
      const late = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
      expect(late.status).toBe(400);
      expect(late.body.details[0]).toMatchObject({
        code: 'INVALID_OTP',
        innerError: { remainingAttempts: 0 },
      });
      expect(late.body.message).toMatch(/expired/);
    } finally {
      await other.close();
    }
  });

  it('honours the failure count of the device policy', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other, { failureCount: 1 });
      const { res, cookies } = await authorize(other, q);
      const wrong = await flowCall(other, res.body.id, cookies, { otp: 'x' });
      expect(wrong.body.details[0].innerError.remainingAttempts).toBe(0);
      const after = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
      expect(after.body.code).toBe('REQUEST_FAILED');
    } finally {
      await other.close();
    }
  });

  it('requires the current ST and ST-NO-SS cookies', async () => {
    const { res, cookies } = await authorize(em, p);
    const none = await flowCall(em, res.body.id, '', { otp: lastOtp(em) });
    // docs/pingone-contract.md §9: 401, as Ping's sample reports PingOne answering.
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'ACCESS_FAILED', details: [{ target: 'cookie' }] });
    const onlyOne = await flowCall(em, res.body.id, cookies.split('; ')[0]!, { otp: lastOtp(em) });
    expect(onlyOne.status).toBe(401);
    const ok = await flowCall(em, res.body.id, cookies, { otp: lastOtp(em) });
    expect(ok.status).toBe(200);
    // Rotated on the step: the old values no longer open the flow.
    const stale = await resume(em, ok.body.id, cookies);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('ACCESS_FAILED');
    const noneOnResume = await resume(em, ok.body.id, '');
    expect(noneOnResume.status).toBe(401);
    const fresh = await resume(em, ok.body.id, cookiesOf(ok, cookies));
    expect(fresh.status).toBe(200);
  });

  it('answers 415 to plain application/json and to a missing body type', async () => {
    const { res, cookies } = await authorize(em, p);
    const plain = await flowCall(
      em,
      res.body.id,
      cookies,
      { otp: lastOtp(em) },
      'application/json',
    );
    expect(plain.status).toBe(415);
    expect(plain.body.code).toBe('INVALID_REQUEST');
  });

  it('answers 400 REQUIRED_VALUE without an otp', async () => {
    const { res, cookies } = await authorize(em, p);
    const empty = await flowCall(em, res.body.id, cookies, {});
    expect(empty.body.details[0]).toMatchObject({ code: 'REQUIRED_VALUE', target: 'otp' });
  });

  it('accepts a worker bearer, does not require one, and refuses a bad one with 401', async () => {
    const token = await workerToken(em);
    const { res, cookies } = await authorize(em, p);
    const bad = await flowCall(em, res.body.id, cookies, { otp: lastOtp(em) }, undefined, {
      authorization: 'Bearer nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('ACCESS_FAILED');
    const withBearer = await flowCall(em, res.body.id, cookies, { otp: lastOtp(em) }, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(withBearer.status).toBe(200);
  });

  it('answers 404 NOT_FOUND for an unknown flow and a flow older than 10 minutes', async () => {
    const unknown = await flowCall(em, 'no-such-flow', '', { otp: '1' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const other = await startTestEmulator();
    try {
      const q = await provision(other, { lifetime: { duration: 30, timeUnit: 'MINUTES' } });
      const { res, cookies } = await authorize(other, q);
      other.handle.advanceTime(10 * 60 * 1000);
      const stale = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
      expect(stale.status).toBe(404);
      expect(stale.body.code).toBe('NOT_FOUND');
    } finally {
      await other.close();
    }
  });

  it('GET returns the flow object', async () => {
    const { res, cookies } = await authorize(em, p);
    const got = await call(flowUrl(res.body.id), { headers: { accept: '*/*', cookie: cookies } });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: res.body.id,
      status: 'OTP_REQUIRED',
      resumeUrl: res.body.resumeUrl,
    });
  });
});

describe('GET /{env}/as/resume', () => {
  it('refuses before completion and answers 404 once consumed', async () => {
    const { res, cookies } = await authorize(em, p);
    const early = await resume(em, res.body.id, cookies);
    expect(early.status).toBe(400);
    const ok = await flowCall(em, res.body.id, cookies, { otp: lastOtp(em) });
    const jar = cookiesOf(ok, cookies);
    expect((await resume(em, ok.body.id, jar)).status).toBe(200);
    const again = await resume(em, ok.body.id, jar);
    expect(again.status).toBe(404);
  });
});

describe('variants the relying party must tolerate', () => {
  let other: RunningEmulator;
  let q: Provisioned;
  const start = async (variants: EmulatorOptions['variants']) => {
    other = await startTestEmulator({ variants });
    q = await provision(other);
  };
  beforeEach(() => undefined);
  afterEach(() => other?.close());

  it('flowIdRotation: a new id after the step; the old one is gone', async () => {
    await start({ flowIdRotation: true });
    const { res, cookies } = await authorize(other, q);
    const ok = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
    expect(ok.body.id).not.toBe(res.body.id);
    const jar = cookiesOf(ok, cookies);
    expect((await resume(other, res.body.id, jar)).status).toBe(404);
    expect((await resume(other, ok.body.id, jar)).status).toBe(200);
  });

  it('completedIncludesAuthorizeResponse: the COMPLETED flow carries the code', async () => {
    await start({ completedIncludesAuthorizeResponse: true });
    const { res, cookies, state } = await authorize(other, q);
    const ok = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
    expect(ok.body.authorizeResponse).toMatchObject({ code: expect.any(String), state });
  });

  it('resumeRedirectsInPiFlow: resume answers 302 to redirect_uri', async () => {
    await start({ resumeRedirectsInPiFlow: true });
    const { res, cookies, state } = await authorize(other, q);
    const ok = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
    const resumed = await resume(other, ok.body.id, cookiesOf(ok, cookies));
    expect(resumed.status).toBe(302);
    const location = new URL(resumed.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('code')).toBeTruthy();
  });

  it('echoStateOnResume false: no state in authorizeResponse', async () => {
    await start({ echoStateOnResume: false });
    const { res, cookies } = await authorize(other, q);
    const ok = await flowCall(other, res.body.id, cookies, { otp: lastOtp(other) });
    const resumed = await resume(other, ok.body.id, cookiesOf(ok, cookies));
    expect(resumed.body.authorizeResponse.state).toBeUndefined();
    expect(resumed.body.authorizeResponse.code).toBeTruthy();
  });
});
