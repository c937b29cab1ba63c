import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { emulatorForFile, startTestEmulator } from '../helpers/emulator.js';
import {
  addLoginPolicy,
  authorize,
  call,
  cookiesOf,
  flowCall,
  fullDevicePolicy,
  lastOtp,
  management,
  LOGIN_POLICY_NAME,
  PHONE,
  provision,
  redeem,
  REDIRECT_URI,
  requestJwt,
  resume,
  type CallResult,
} from './fixture.js';

const { em, p } = await emulatorForFile();

/** pi.flow authorize errors use PingOne's error body (docs/pingone-contract.md §2.1). */
function expectRefused(res: CallResult, target: string) {
  expect(res.status).toBe(400);
  expect(typeof res.body.id).toBe('string');
  expect(typeof res.body.code).toBe('string');
  expect(res.body.details[0].target).toBe(target);
}

describe('GET /{env}/as/authorize in pi.flow mode: the request JWT and login_hint_token', () => {
  it('accepts sub as the username too', async () => {
    const jwt = await requestJwt(em, p, { sub: p.username });
    const { res } = await authorize(em, p, { jwt });
    expect(res.status).toBe(200);
    expect(res.body._embedded.user.id).toBe(p.userId);
  });

  it('refuses a JWT signed with another secret', async () => {
    const jwt = await requestJwt(em, p, { secret: 'x'.repeat(64) });
    expectRefused((await authorize(em, p, { jwt })).res, 'request');
  });

  it('refuses a login_hint_token signed with another secret even when the request JWT is good', async () => {
    const hint = await requestJwt(em, p, { secret: 'y'.repeat(64) });
    expectRefused((await authorize(em, p, { hint })).res, 'login_hint_token');
  });

  it('refuses the wrong aud, the wrong iss and an expired JWT', async () => {
    const aud = await requestJwt(em, p, { aud: 'https://auth.pingone.com/other/as' });
    const resAud = (await authorize(em, p, { jwt: aud })).res;
    expectRefused(resAud, 'request');
    expect(resAud.body.message).toMatch(/aud/);
    const iss = await requestJwt(em, p, { iss: 'someone-else' });
    expect((await authorize(em, p, { jwt: iss })).res.body.message).toMatch(/iss/);
    const expired = await requestJwt(em, p, { exp: Math.floor(Date.now() / 1000) - 10 });
    const resExp = (await authorize(em, p, { jwt: expired })).res;
    expectRefused(resExp, 'request');
    expect(resExp.body.message).toMatch(/expired/);
  });

  it('refuses a JWT that expires later by the emulator clock', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other);
      const jwt = await requestJwt(other, q);
      other.handle.advanceTime(301_000);
      expect((await authorize(other, q, { jwt })).res.body.message).toMatch(/expired/);
    } finally {
      await other.close();
    }
  });

  it('requires exp on the login_hint_token', async () => {
    const hint = await new SignJWT({ sub: p.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(p.appId)
      .setAudience(`${em.authUrl}/${em.environmentId}/as`)
      .sign(new TextEncoder().encode(p.secret));
    const res = (await authorize(em, p, { hint })).res;
    expectRefused(res, 'login_hint_token');
    expect(res.body.message).toMatch(/exp/);
  });

  it('refuses an unsigned JWT (supportUnsignedRequestObject is false)', async () => {
    const unsigned = new UnsecuredJWT({ sub: p.userId })
      .setIssuer(p.appId)
      .setAudience(`${em.authUrl}/${em.environmentId}/as`)
      .setExpirationTime('5m')
      .encode();
    const res = (await authorize(em, p, { jwt: unsigned })).res;
    expectRefused(res, 'request');
    expect(res.body.message).toMatch(/signed/);
  });

  it('refuses an unknown user', async () => {
    const jwt = await requestJwt(em, p, { sub: 'nobody-here' });
    const res = (await authorize(em, p, { jwt })).res;
    expectRefused(res, 'login_hint_token');
    expect(res.body.message).toMatch(/not found/);
  });

  it('refuses an unknown template variant', async () => {
    const jwt = await requestJwt(em, p, {
      template: { name: 'transaction', variant: 'nope', variables: {} },
    });
    expectRefused((await authorize(em, p, { jwt })).res, 'pi.template.variant');
  });

  it('refuses an unknown client, an unregistered redirect_uri, scopes not granted and an unassigned acr', async () => {
    expectRefused(
      (await authorize(em, p, { extra: { client_id: '33333333-3333-4333-8333-333333333333' } }))
        .res,
      'client_id',
    );
    expectRefused(
      (await authorize(em, p, { extra: { redirect_uri: 'https://evil.example/cb' } })).res,
      'redirect_uri',
    );
    expectRefused((await authorize(em, p, { extra: { scope: 'openid email' } })).res, 'scope');
    expectRefused(
      (await authorize(em, p, { extra: { acr_values: 'Single_Factor' } })).res,
      'acr_values',
    );
  });

  it('honours pkceEnforcement: S256_REQUIRED refuses a missing challenge and the plain method', async () => {
    expectRefused(
      (await authorize(em, p, { omit: ['code_challenge', 'code_challenge_method'] })).res,
      'code_challenge',
    );
    expectRefused(
      (await authorize(em, p, { extra: { code_challenge_method: 'plain' } })).res,
      'code_challenge_method',
    );
  });

  it('lets an OPTIONAL app go without PKCE', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other, { pkceEnforcement: 'OPTIONAL' });
      const { res } = await authorize(other, q, {
        omit: ['code_challenge', 'code_challenge_method'],
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('OTP_REQUIRED');
    } finally {
      await other.close();
    }
  });

  it('answers 406 to a strict Accept: application/json', async () => {
    const jwt = await requestJwt(em, p);
    const params = new URLSearchParams({
      client_id: p.appId,
      response_type: 'code',
      response_mode: 'pi.flow',
      scope: 'openid',
      request: jwt,
      login_hint_token: jwt,
    });
    const res = await call(`${em.authUrl}/${em.environmentId}/as/authorize?${params}`, {
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(406);
  });

  it('accepts the POST form variant', async () => {
    const jwt = await requestJwt(em, p);
    const res = await call(`${em.authUrl}/${em.environmentId}/as/authorize`, {
      method: 'POST',
      headers: { accept: '*/*', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: p.appId,
        response_type: 'code',
        response_mode: 'pi.flow',
        scope: 'openid',
        request: jwt,
        login_hint_token: jwt,
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('OTP_REQUIRED');
  });
});

describe('authorize: the sign-on policy and the user', () => {
  it('refuses a user without MFA and a user without an SMS device, sending nothing', async () => {
    for (const opts of [{ mfaEnabled: false }, { device: false }]) {
      const other = await startTestEmulator();
      try {
        const q = await provision(other, opts);
        const res = (await authorize(other, q)).res;
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('REQUEST_FAILED');
        expect(res.body.details[0].code).toBe(
          opts.device === false ? 'NO_USABLE_DEVICES' : 'MFA_NOT_ENABLED',
        );
        expect(other.handle.sms()).toEqual([]);
      } finally {
        await other.close();
      }
    }
  });

  it('without a login_hint_token, a LOGIN policy starts at USERNAME_PASSWORD_REQUIRED, checks the password, then sends the OTP', async () => {
    await addLoginPolicy(em, p);
    const started = await authorize(em, p, {
      hint: null,
      extra: { acr_values: LOGIN_POLICY_NAME },
    });
    expect(started.res.status).toBe(200);
    expect(started.res.body.status).toBe('USERNAME_PASSWORD_REQUIRED');
    expect(started.res.body._links['usernamePassword.check']).toBeDefined();
    const type = 'application/vnd.pingidentity.usernamePassword.check+json';
    const wrong = await flowCall(
      em,
      started.res.body.id,
      started.cookies,
      { username: p.username, password: 'nope' },
      type,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].target).toBe('password');
    const before = em.handle.sms(PHONE).length;
    const ok = await flowCall(
      em,
      started.res.body.id,
      started.cookies,
      { username: p.username, password: p.password },
      type,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('OTP_REQUIRED');
    expect(em.handle.sms(PHONE).length).toBe(before + 1);
    const done = await flowCall(em, ok.body.id, cookiesOf(ok, started.cookies), {
      otp: lastOtp(em),
    });
    expect(done.body.status).toBe('COMPLETED');
    const token = await redeem(
      em,
      p,
      (await resume(em, done.body.id, cookiesOf(done, cookiesOf(ok, started.cookies)))).body
        .authorizeResponse.code,
      started.verifier,
    );
    expect(token.status).toBe(200);
    const claims = decodeJwt(token.body.id_token as string);
    expect(claims).toMatchObject({ acr: LOGIN_POLICY_NAME, amr: ['pwd', 'otp'] });
  });

  it('without a login_hint_token, an MFA-only policy answers SIGN_ON_REQUIRED, then user.lookup sends the OTP', async () => {
    const sentBefore = em.handle.sms(PHONE).length;
    const started = await authorize(em, p, { hint: null });
    expect(started.res.status).toBe(200);
    expect(started.res.body.status).toBe('SIGN_ON_REQUIRED');
    expect(started.res.body._links['user.lookup'].href).toBe(
      `${em.authUrl}/${em.environmentId}/flows/${started.res.body.id}`,
    );
    expect(started.res.body._links['usernamePassword.check']).toBeUndefined();
    const id = started.res.body.id as string;
    const lookup = 'application/vnd.pingidentity.user.lookup+json';
    // PingOne's answers around the step: 415 without the vendor type, 400 for a body it cannot use.
    const plain = await flowCall(
      em,
      id,
      started.cookies,
      { username: p.username },
      'application/json',
    );
    expect(plain.status).toBe(415);
    expect(plain.body.code).toBe('INVALID_REQUEST');
    const empty = await flowCall(em, id, started.cookies, {}, lookup);
    expect(empty.status).toBe(400);
    expect(empty.body.details[0]).toMatchObject({ code: 'REQUIRED_VALUE', target: 'username' });
    const unknown = await flowCall(em, id, started.cookies, { username: 'nobody' }, lookup);
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0]).toMatchObject({ code: 'INVALID_VALUE', target: 'username' });
    const early = await flowCall(em, id, started.cookies, { otp: '123456' });
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('REQUEST_FAILED');
    const passwordInstead = await flowCall(
      em,
      id,
      started.cookies,
      { username: p.username, password: p.password },
      'application/vnd.pingidentity.usernamePassword.check+json',
    );
    expect(passwordInstead.status).toBe(400);
    // Nothing is texted before the user is known.
    const before = em.handle.sms(PHONE).length;
    expect(before).toBe(sentBefore);
    const found = await flowCall(em, id, started.cookies, { username: p.username }, lookup);
    expect(found.status).toBe(200);
    expect(found.body.status).toBe('OTP_REQUIRED');
    expect(found.body._links['otp.check']).toBeDefined();
    expect(found.body._embedded.user).toEqual({ id: p.userId, username: p.username });
    expect(em.handle.sms(PHONE).length).toBe(before + 1);
    const again = await flowCall(
      em,
      id,
      cookiesOf(found, started.cookies),
      { username: p.username },
      lookup,
    );
    expect(again.status).toBe(400);
    const done = await flowCall(em, id, cookiesOf(found, started.cookies), { otp: lastOtp(em) });
    expect(done.body.status).toBe('COMPLETED');
  });

  it('applies the device policy OTP length and renders ${otp} as well as ${OTP}', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other);
      const m = management(other, q.token);
      const put = await m.put(
        `/deviceAuthenticationPolicies/${q.devicePolicyId}`,
        fullDevicePolicy('TxApproval MFA', {
          failure: { count: 3, coolDown: { duration: 0, timeUnit: 'MINUTES' } },
          lifeTime: { duration: 5, timeUnit: 'MINUTES' },
          otpLength: 8,
        }),
      );
      expect(put.status).toBe(200);
      await m.post('/templates/transaction/contents', {
        locale: 'en',
        deliveryMethod: 'SMS',
        variant: 'lower',
        content: 'Pay ${recipient}: ${otp}',
      });
      const jwt = await requestJwt(other, q, {
        template: { name: 'transaction', variant: 'lower', variables: { recipient: 'Eve' } },
      });
      expect((await authorize(other, q, { jwt })).res.status).toBe(200);
      const sms = other.handle.sms()[0]!;
      expect(sms.otp).toMatch(/^\d{8}$/);
      expect(sms.text).toBe(`Pay Eve: ${sms.otp}`);
    } finally {
      await other.close();
    }
  });
});

describe('authorize in redirect mode (response_mode=query)', () => {
  it('redirects errors to the validated redirect_uri with state', async () => {
    const jwt = await requestJwt(em, p, { aud: 'https://wrong/as' });
    const { res, state } = await authorize(em, p, { jwt, mode: 'query' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request_object');
    expect(location.searchParams.get('error_description')).toMatch(/aud/);
    expect(location.searchParams.get('state')).toBe(state);
  });

  it('never redirects to an unregistered redirect_uri', async () => {
    const { res } = await authorize(em, p, {
      mode: 'query',
      extra: { redirect_uri: 'https://evil.example/cb' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
