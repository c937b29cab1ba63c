import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from '../helpers/emulator.js';
import {
  authorize,
  call,
  cookiesOf,
  flowCall,
  lastOtp,
  PHONE,
  POLICY_NAME,
  redeem,
  resume,
} from './fixture.js';

const { em, p } = await emulatorForFile();

describe('the whole workflow over HTTP (steps 0–19)', () => {
  it('authorize → SMS → otp.check → resume → token → ID token verified with the JWKS', async () => {
    const started = await authorize(em, p);
    expect(started.res.text).toContain('OTP_REQUIRED');
    expect(started.res.status).toBe(200);
    expect(started.res.headers.get('content-type')).toMatch(/^application\/hal\+json/);
    expect(started.res.body).toMatchObject({
      status: 'OTP_REQUIRED',
      _embedded: { user: { id: p.userId, username: p.username } },
    });
    const flowId = started.res.body.id as string;
    expect(started.res.body._links['otp.check'].href).toBe(
      `${em.authUrl}/${em.environmentId}/flows/${flowId}`,
    );
    expect(started.res.body.resumeUrl).toBe(
      `${em.authUrl}/${em.environmentId}/as/resume?flowId=${flowId}`,
    );
    const setCookies = started.res.headers.getSetCookie();
    expect(
      setCookies.some(
        (c) =>
          c.startsWith('ST=') && c.includes(`Path=/${em.environmentId}/`) && c.includes('HttpOnly'),
      ),
    ).toBe(true);
    expect(setCookies.some((c) => c.startsWith('ST-NO-SS='))).toBe(true);

    const sms = em.handle.sms(PHONE);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.otp).toMatch(/^\d{6}$/);
    expect(sms[0]!.text).toBe(`Approve 250.00 EUR to Bob? Code: ${sms[0]!.otp}`);

    const checked = await flowCall(em, flowId, started.cookies, { otp: lastOtp(em) });
    expect(checked.status).toBe(200);
    expect(checked.body.status).toBe('COMPLETED');
    const cookies = cookiesOf(checked, started.cookies);
    expect(cookies).not.toBe(started.cookies);

    const resumed = await resume(em, checked.body.id, cookies);
    expect(resumed.status).toBe(200);
    expect(resumed.body.authorizeResponse.state).toBe(started.state);
    const code = resumed.body.authorizeResponse.code as string;

    const token = await redeem(em, p, code, started.verifier);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile',
    });

    const issuer = `${em.authUrl}/${em.environmentId}/as`;
    const discovery = await call(`${issuer}/.well-known/openid-configuration`);
    expect(discovery.body.issuer).toBe(issuer);
    const jwks = createRemoteJWKSet(new URL(discovery.body.jwks_uri as string));
    const { payload, protectedHeader } = await jwtVerify(token.body.id_token as string, jwks, {
      issuer,
      audience: p.appId,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({
      sub: p.userId,
      nonce: started.nonce,
      acr: POLICY_NAME,
      amr: ['otp'],
    });
    expect(typeof payload.auth_time).toBe('number');
    expect(typeof payload.sid).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });
});
