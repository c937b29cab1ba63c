import { decodeJwt } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startProvisionedTestEmulator } from '../helpers/emulator.js';
import {
  approve,
  authorize,
  cookiesOf,
  flowCall,
  lastOtp,
  redeem,
  requestJwt,
  resume,
  type Provisioned,
} from './fixture.js';

/** The ID token's claims for a code. */
async function idTokenOf(em: RunningEmulator, p: Provisioned, code: string, verifier: string) {
  const token = await redeem(em, p, code, verifier);
  expect(token.status).toBe(200);
  return decodeJwt(token.body.id_token as string);
}

/** A first approval with a code: its ID token, and the cookies the client holds afterwards. */
async function signedOn(em: RunningEmulator, p: Provisioned) {
  const first = await approve(em, p);
  const claims = await idTokenOf(em, p, first.code, first.verifier);
  return { cookies: first.cookies, authTime: claims.auth_time as number, sid: claims.sid };
}

describe('SSO sessions: a completed flow signs the person on, as PingOne does (docs/pingone-contract.md §9)', () => {
  let em: RunningEmulator;
  let p: Provisioned;
  // One emulator per test: each moves the emulator's clock past the fixture's JWT lifetimes.
  beforeEach(async () => {
    ({ em, p } = await startProvisionedTestEmulator());
    return () => em.close();
  });

  it('without max_age or prompt=login: the next authorize completes at once, no SMS, the old auth_time', async () => {
    const session = await signedOn(em, p);
    em.handle.advanceTime(120_000);
    const texted = em.handle.sms().length;
    const second = await authorize(em, p, { cookie: session.cookies });
    expect(second.res.status).toBe(200);
    expect(second.res.body.status).toBe('COMPLETED');
    expect(em.handle.sms()).toHaveLength(texted);
    const resumed = await resume(em, second.res.body.id, second.cookies);
    expect(resumed.status).toBe(200);
    const claims = await idTokenOf(
      em,
      p,
      resumed.body.authorizeResponse.code as string,
      second.verifier,
    );
    expect(claims.auth_time).toBe(session.authTime);
    expect(claims.sid).toBe(session.sid);
    expect(claims.amr).toEqual(['otp']);
    expect(claims.iat).toBeGreaterThanOrEqual(session.authTime + 120);
  });

  it('a max_age the session is younger than is answered from it too', async () => {
    const session = await signedOn(em, p);
    em.handle.advanceTime(30_000);
    const second = await authorize(em, p, { cookie: session.cookies, extra: { max_age: '600' } });
    expect(second.res.body.status).toBe('COMPLETED');
  });

  for (const [name, ask] of [
    ['max_age=0', { extra: { max_age: '0' } }],
    ['prompt=login', { extra: { prompt: 'login' } }],
    ['a max_age the session is older than', { extra: { max_age: '60' } }],
    ['max_age=0 inside the signed request object only', { claims: { max_age: 0 } }],
  ] as const) {
    it(`${name}: a new code is texted and the ID token has a new auth_time`, async () => {
      const session = await signedOn(em, p);
      em.handle.advanceTime(120_000);
      const texted = em.handle.sms().length;
      const jwt = 'claims' in ask ? await requestJwt(em, p, { claims: ask.claims }) : undefined;
      const second = await authorize(em, p, {
        cookie: session.cookies,
        ...('extra' in ask && { extra: ask.extra }),
        ...(jwt && { jwt }),
      });
      expect(second.res.status).toBe(200);
      expect(second.res.body.status).toBe('OTP_REQUIRED');
      expect(em.handle.sms()).toHaveLength(texted + 1);
      const checked = await flowCall(em, second.res.body.id, second.cookies, { otp: lastOtp(em) });
      expect(checked.body.status).toBe('COMPLETED');
      const resumed = await resume(em, checked.body.id, cookiesOf(checked, second.cookies));
      const claims = await idTokenOf(
        em,
        p,
        resumed.body.authorizeResponse.code as string,
        second.verifier,
      );
      expect(claims.auth_time).toBeGreaterThanOrEqual(session.authTime + 120);
      expect(claims.sid).not.toBe(session.sid);
    });
  }

  it('refuses a max_age that is not a whole number of seconds', async () => {
    for (const max_age of ['soon', '-1', '1.5']) {
      const { res } = await authorize(em, p, { extra: { max_age } });
      expect(res.status, max_age).toBe(400);
      expect(res.body.details[0].target).toBe('max_age');
    }
  });

  it('without the session cookie, or once the session has lived 8 hours, the person signs on again', async () => {
    const session = await signedOn(em, p);
    expect((await authorize(em, p)).res.body.status).toBe('OTP_REQUIRED');
    em.handle.advanceTime(8 * 60 * 60 * 1000);
    const jwt = await requestJwt(em, p, { exp: Math.floor(Date.now() / 1000) + 9 * 60 * 60 });
    const later = await authorize(em, p, { cookie: session.cookies, jwt });
    expect(later.res.status).toBe(200);
    expect(later.res.body.status).toBe('OTP_REQUIRED');
  });
});

describe('variant ignoreReauthentication: a tenant that answers from the session whatever the request asks', () => {
  let em: RunningEmulator;
  let p: Provisioned;
  beforeAll(async () => {
    ({ em, p } = await startProvisionedTestEmulator({
      variants: { ignoreReauthentication: true },
    }));
    return () => em.close();
  });

  it('max_age=0 and prompt=login still complete at once with the old auth_time', async () => {
    const session = await signedOn(em, p);
    em.handle.advanceTime(120_000);
    const second = await authorize(em, p, {
      cookie: session.cookies,
      extra: { max_age: '0', prompt: 'login' },
    });
    expect(second.res.body.status).toBe('COMPLETED');
    const resumed = await resume(em, second.res.body.id, second.cookies);
    const claims = await idTokenOf(
      em,
      p,
      resumed.body.authorizeResponse.code as string,
      second.verifier,
    );
    expect(claims.auth_time).toBe(session.authTime);
  });
});
