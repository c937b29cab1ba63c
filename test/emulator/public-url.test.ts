import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { docClientSignOn, type DocClientConfig } from '../helpers/ping-doc-client.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import {
  addLoginPolicy,
  authorize,
  call,
  cookiesOf,
  flowCall,
  lastOtp,
  openIdClientConfig,
  LOGIN_POLICY_NAME,
  provision,
  REDIRECT_URI,
  requestJwt,
  resume,
  type Provisioned,
} from './fixture.js';

/** The client written from Ping's documentation: username/password, then the SMS code, no PKCE. */
async function signOnFromDocs(em: RunningEmulator, p: Provisioned) {
  const config: DocClientConfig = {
    authBase: em.authUrl,
    environmentId: em.environmentId,
    clientId: p.appId,
    clientSecret: p.secret,
    redirectUri: REDIRECT_URI,
    policyName: LOGIN_POLICY_NAME,
  };
  return docClientSignOn(config, {
    username: p.username,
    password: p.password,
    readOtp: () => lastOtp(em),
  });
}

describe('a client written only from Ping\u2019s documentation', () => {
  let em: RunningEmulator;
  let p: Provisioned;
  beforeAll(async () => {
    em = await startTestEmulator();
    p = await provision(em, { pkceEnforcement: 'OPTIONAL' });
    await addLoginPolicy(em, p);
  });
  afterAll(() => em.close());

  it('signs on with password and SMS code, raw Basic credentials, no PKCE, cookies by hand', async () => {
    const result = await signOnFromDocs(em, p);
    expect(result.statuses).toEqual(['USERNAME_PASSWORD_REQUIRED', 'OTP_REQUIRED', 'COMPLETED']);
    expect(result.idTokenClaims).toMatchObject({
      sub: p.userId,
      acr: LOGIN_POLICY_NAME,
      amr: ['pwd', 'otp'],
    });
  });
});

describe('the emulator behind another address (publicUrl)', () => {
  let em: RunningEmulator;
  let p: Provisioned;
  let proxy: TcpProxy;
  let listenPort = 0;

  beforeAll(async () => {
    // The proxy must exist first: its address is the emulator's public URL.
    proxy = await startTcpProxy(() => listenPort);
    em = await startTestEmulator({ publicUrl: `http://127.0.0.1:${proxy.port}/` });
    listenPort = Number(new URL(em.listenUrl).port);
    p = await provision(em, { pkceEnforcement: 'OPTIONAL' });
    await addLoginPolicy(em, p);
  });
  afterAll(async () => {
    await em.close();
    await proxy.close();
  });

  it('answers with the public URL: issuer, endpoints, links, resumeUrl, even when reached directly', async () => {
    const publicBase = `http://127.0.0.1:${proxy.port}`;
    expect(em.url).toBe(publicBase);
    expect(em.listenUrl).not.toBe(publicBase);
    const issuer = `${publicBase}/${em.environmentId}/as`;
    for (const base of [publicBase, em.listenUrl]) {
      const discovery = await call(
        `${base}/${em.environmentId}/as/.well-known/openid-configuration`,
      );
      expect(discovery.body).toMatchObject({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/signoff`,
      });
    }
    const { res } = await authorize(em, p);
    expect(res.status).toBe(200);
    expect(res.body._links['otp.check'].href).toBe(
      `${publicBase}/${em.environmentId}/flows/${res.body.id}`,
    );
    expect(res.body.resumeUrl.startsWith(`${publicBase}/${em.environmentId}/as/resume?`)).toBe(
      true,
    );
    const apps = await call(`${em.apiUrl}/environments/${em.environmentId}/applications`, {
      headers: { authorization: `Bearer ${p.token}` },
    });
    expect(apps.body._links.self.href.startsWith(`${publicBase}/v1/`)).toBe(true);
  });

  it('checks the request JWT aud against the public issuer, not the listen address', async () => {
    const jwt = await requestJwt(em, p, { aud: `${em.listenUrl}/${em.environmentId}/as` });
    const { res } = await authorize(em, p, { jwt });
    expect(res.status).toBe(400);
    expect(res.body.details[0].target).toBe('request');
    expect(res.body.message).toMatch(/aud/);
  });

  it('lets openid-client discover, redeem and verify through the proxy', async () => {
    const config = await openIdClientConfig(em, p);
    const s = await authorize(em, p);
    const ok = await flowCall(em, s.res.body.id, s.cookies, { otp: lastOtp(em) });
    expect(ok.body.status).toBe('COMPLETED');
    const resumed = await resume(em, ok.body.id, cookiesOf(ok, s.cookies));
    const { code, state } = resumed.body.authorizeResponse;
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(`${REDIRECT_URI}?${new URLSearchParams({ code, state })}`),
      {
        pkceCodeVerifier: s.verifier,
        expectedState: s.state,
        expectedNonce: s.nonce,
        idTokenExpected: true,
      },
    );
    expect(tokens.claims()).toMatchObject({
      iss: `${em.url}/${em.environmentId}/as`,
      sub: p.userId,
      amr: ['otp'],
    });
  });

  it('lets the documentation-built client complete through the proxy', async () => {
    const result = await signOnFromDocs(em, p);
    expect(result.statuses.at(-1)).toBe('COMPLETED');
    expect(result.idTokenClaims.iss).toBe(`${em.url}/${em.environmentId}/as`);
  });

  it('refuses a public URL with a path, clearly', async () => {
    await expect(startTestEmulator({ publicUrl: 'http://proxy.example/pingone' })).rejects.toThrow(
      /public URL must be http\(s\):\/\/host\[:port\] with no path/,
    );
  });
});
