import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from '../helpers/emulator.js';
import {
  authorize,
  call,
  cookiesOf,
  flowCall,
  lastOtp,
  openIdClientConfig,
  REDIRECT_URI,
} from './fixture.js';

const { em, p } = await emulatorForFile({ variants: { resumeRedirectsInPiFlow: true } });

describe('a standard OIDC client against the emulator', () => {
  it('openid-client discovers, redeems the code and verifies the signed ID token', async () => {
    const config = await openIdClientConfig(em, p);
    const s = await authorize(em, p);
    const ok = await flowCall(em, s.res.body.id, s.cookies, { otp: lastOtp(em) });
    const resumed = await call(`${em.authUrl}/${em.environmentId}/as/resume?flowId=${ok.body.id}`, {
      headers: { accept: '*/*', cookie: cookiesOf(ok, s.cookies) },
    });
    const location = resumed.headers.get('location')!;
    expect(location.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: s.verifier,
      expectedState: s.state,
      expectedNonce: s.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: p.userId, acr: 'TxApproval_SMS', amr: ['otp'] });
  });
});
