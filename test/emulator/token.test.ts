import { describe, expect, it } from 'vitest';
import { emulatorForFile, startTestEmulator } from '../helpers/emulator.js';
import {
  approve,
  authorize,
  call,
  cookiesOf,
  flowCall,
  lastOtp,
  provision,
  redeem,
  resume,
} from './fixture.js';

const { em, p } = await emulatorForFile();

describe('POST /{env}/as/token authorization_code', () => {
  it('codes are single use', async () => {
    const { code, verifier } = await approve(em, p);
    expect((await redeem(em, p, code, verifier)).status).toBe(200);
    const again = await redeem(em, p, code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses a PKCE mismatch and a missing verifier', async () => {
    const a = await approve(em, p);
    const mismatch = await redeem(em, p, a.code, 'x'.repeat(43));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/code_verifier/),
    });
    const b = await approve(em, p);
    expect((await redeem(em, p, b.code, undefined)).body.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri mismatch or omission when authorize had one', async () => {
    const a = await approve(em, p);
    const wrong = await redeem(em, p, a.code, a.verifier, 'http://127.0.0.1:3000/other');
    expect(wrong.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/redirect_uri/),
    });
    const b = await approve(em, p);
    expect((await redeem(em, p, b.code, b.verifier, null)).body.error).toBe('invalid_grant');
  });

  it('does not require redirect_uri when authorize had none', async () => {
    const started = await authorize(em, p, { omit: ['redirect_uri'] });
    const ok = await flowCall(em, started.res.body.id, started.cookies, { otp: lastOtp(em) });
    const resumed = await resume(em, ok.body.id, cookiesOf(ok, started.cookies));
    const token = await redeem(em, p, resumed.body.authorizeResponse.code, started.verifier, null);
    expect(token.status).toBe(200);
  });

  it('codes expire after 60 seconds', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other);
      const a = await approve(other, q);
      other.handle.advanceTime(61_000);
      expect((await redeem(other, q, a.code, a.verifier)).body.error).toBe('invalid_grant');
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown code, a wrong client secret and the wrong auth method', async () => {
    expect((await redeem(em, p, 'nope', 'x')).body.error).toBe('invalid_grant');
    const a = await approve(em, p);
    const wrongSecret = await redeem(em, { ...p, secret: 'wrong' }, a.code, a.verifier);
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    const post = await call(`${em.authUrl}/${em.environmentId}/as/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: a.code,
        client_id: p.appId,
        client_secret: p.secret,
      }).toString(),
    });
    expect(post.status).toBe(401);
    expect(post.body.error).toBe('invalid_client');
  });

  it('wants a form body', async () => {
    const res = await call(`${em.authUrl}/${em.environmentId}/as/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('the access token opens userinfo', async () => {
    const a = await approve(em, p);
    const token = await redeem(em, p, a.code, a.verifier);
    const info = await call(`${em.authUrl}/${em.environmentId}/as/userinfo`, {
      headers: { authorization: `Bearer ${token.body.access_token}` },
    });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ sub: p.userId, preferred_username: p.username });
    const bad = await call(`${em.authUrl}/${em.environmentId}/as/userinfo`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(bad.status).toBe(401);
  });
});
