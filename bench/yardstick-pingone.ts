import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { buildRequestJwt } from '../src/approval/request-jwt.js';
import type { Currency } from '../src/approval/transfer.js';
import { createTokenClient } from '../src/pingone/flow/token-client.js';
import { createHttpClient } from '../src/pingone/http.js';
import { requestJson } from '../src/pingone/wire.js';
import type { ProvisionSettings } from '../src/provisioning/provision.js';
import { pingoneUrls } from '../src/pingone/urls.js';
import { CookieJar } from './http-client.js';
import { authorizeRequest, tokenRequest } from './pingone-requests.js';

/** The app's transport for its own PingOne calls (src/pingone/wire.ts), body read. */
async function sendToPingOne(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) {
  const res = await requestJson(url, init);
  return { status: res.status, text: await res.text(), setCookies: res.headers.getSetCookie() };
}

/** What the bench sends a yardstick process over IPC. */
export interface YardstickConfig {
  settings: ProvisionSettings;
  location: { environmentId: string; apiUrl: string; authUrl: string };
  redirectUri: string;
  port: number;
}

/** One transfer's flow, kept in the yardstick's session between the two POSTs. */
export interface YardstickFlow {
  transfer: { id: string; amount: string; currency: string; payee: string };
  flowId: string;
  /** PingOne's cookies, as Set-Cookie lines (plain data: express-session stores it as JSON). */
  cookies: string[];
  state: string;
  nonce: string;
  verifier: string;
}

/**
 * The PingOne side of one approval for the yardsticks (bench/bare-rp.ts, bench/stack-rp.ts),
 * with the app's own pieces where they are not what is being measured: its request JWT, its
 * transport, and (`tokens: 'openid-client'`) its token client; else the token call is a plain
 * POST and the ID token is checked with jose (signature, iss, aud, exp, nonce).
 */
export async function yardstickPingOne(config: YardstickConfig, tokens: 'jose' | 'openid-client') {
  const { settings, redirectUri } = config;
  const urls = pingoneUrls({ ...config.location, region: 'com' });
  const jwks = createLocalJWKSet(
    JSON.parse(
      (await sendToPingOne(urls.jwks, { method: 'GET', headers: {} })).text,
    ) as JSONWebKeySet,
  );
  const tokenClient =
    tokens === 'openid-client'
      ? createTokenClient({
          urls,
          clientId: settings.clientId,
          clientSecret: settings.clientSecret,
          http: createHttpClient({ timeoutMs: 10_000 }),
          timeoutMs: 10_000,
        })
      : undefined;
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const cookieHeader = (flow: YardstickFlow): Record<string, string> => {
    const jar = new CookieJar();
    jar.take(flow.cookies);
    const cookie = jar.header();
    return cookie ? { cookie } : {};
  };

  return {
    /** Authorize in pi.flow mode; undefined unless PingOne asks for the code. */
    async start(form: {
      amount: string;
      currency: string;
      payee: string;
    }): Promise<YardstickFlow | undefined> {
      const transfer = { id: randomUUID(), ...form };
      const requestJwt = await buildRequestJwt({
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        audience: urls.issuer,
        subject: settings.username,
        templateVariant: settings.templateVariant,
        transfer: { ...form, currency: form.currency as Currency, fromAccount: 'bench' },
        now: new Date(),
      });
      const { query, verifier, nonce } = authorizeRequest(settings, redirectUri, requestJwt);
      const answer = await sendToPingOne(`${urls.authorize}?${query}`, {
        method: 'GET',
        headers: { accept: '*/*' },
      });
      const flow = json(answer.text);
      if (answer.status !== 200 || flow.status !== 'OTP_REQUIRED') return undefined;
      return {
        transfer,
        flowId: String(flow.id),
        cookies: answer.setCookies,
        state: query.get('state')!,
        nonce,
        verifier,
      };
    },

    /** otp.check, resume, token and the ID token's checks; false at the first refusal. */
    async finish(flow: YardstickFlow, otp: string): Promise<boolean> {
      const checked = await sendToPingOne(urls.flow(flow.flowId), {
        method: 'POST',
        headers: {
          accept: '*/*',
          'content-type': 'application/vnd.pingidentity.otp.check+json',
          ...cookieHeader(flow),
        },
        body: JSON.stringify({ otp }),
      });
      flow.cookies = [...flow.cookies, ...checked.setCookies];
      if (checked.status !== 200 || json(checked.text).status !== 'COMPLETED') return false;
      const resumed = await sendToPingOne(
        `${urls.resume}?flowId=${encodeURIComponent(flow.flowId)}`,
        { method: 'GET', headers: { accept: '*/*', ...cookieHeader(flow) } },
      );
      const code = (json(resumed.text).authorizeResponse as { code?: string } | undefined)?.code;
      if (!code) return false;
      if (tokenClient) {
        await tokenClient.exchange({
          response: { code, state: flow.state },
          state: flow.state,
          nonce: flow.nonce,
          codeVerifier: flow.verifier,
          redirectUri,
          transactionId: flow.transfer.id,
        });
        return true;
      }
      const token = await sendToPingOne(
        urls.token,
        tokenRequest(settings, redirectUri, code, flow.verifier),
      );
      const idToken = json(token.text).id_token;
      if (token.status !== 200 || typeof idToken !== 'string') return false;
      const { payload } = await jwtVerify(idToken, jwks, {
        issuer: urls.issuer,
        audience: settings.clientId,
      });
      return payload.nonce === flow.nonce;
    },
  };
}
