import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorForFile } from '../helpers/emulator.js';
import { approve, call, management, redeem } from './fixture.js';

const { em, p } = await emulatorForFile();
let idToken: string;
const LOGGED_OUT = 'http://127.0.0.1:3000/signed-out';

beforeAll(async () => {
  const m = management(em, p.token);
  const app = (await m.get(`/applications/${p.appId}`)).body;
  const put = await m.put(`/applications/${p.appId}`, {
    ...app,
    postLogoutRedirectUris: [LOGGED_OUT],
  });
  if (put.status !== 200) throw new Error(`app update: ${put.status} ${put.text}`);
  const { code, verifier } = await approve(em, p);
  idToken = (await redeem(em, p, code, verifier)).body.id_token as string;
});

async function endSessionEndpoint(): Promise<string> {
  const discovery = await call(
    `${em.authUrl}/${em.environmentId}/as/.well-known/openid-configuration`,
  );
  return discovery.body.end_session_endpoint as string;
}

const signoff = async (params: Record<string, string>) =>
  call(`${await endSessionEndpoint()}?${new URLSearchParams(params)}`);

describe('GET /{env}/as/signoff (the advertised end_session_endpoint)', () => {
  it('redirects to a registered post_logout_redirect_uri with state', async () => {
    const res = await signoff({
      id_token_hint: idToken,
      post_logout_redirect_uri: LOGGED_OUT,
      state: 'xyz',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${LOGGED_OUT}?state=xyz`);
  });

  it('shows a signed-off page without a redirect URI', async () => {
    const res = await signoff({ id_token_hint: idToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('signed off');
  });

  it('never redirects to an unregistered URI, and refuses a missing or foreign id_token_hint', async () => {
    const unregistered = await signoff({
      id_token_hint: idToken,
      post_logout_redirect_uri: 'https://evil.example/out',
    });
    expect(unregistered.status).toBe(400);
    expect(unregistered.headers.get('location')).toBeNull();
    expect(unregistered.body.details[0].target).toBe('post_logout_redirect_uri');

    const missing = await signoff({ post_logout_redirect_uri: LOGGED_OUT });
    expect(missing.status).toBe(400);
    expect(missing.body.details[0]).toMatchObject({
      code: 'REQUIRED_VALUE',
      target: 'id_token_hint',
    });

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT({ iss: `${em.authUrl}/${em.environmentId}/as`, aud: p.appId })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const foreign = await signoff({ id_token_hint: forged, post_logout_redirect_uri: LOGGED_OUT });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
  });
});
