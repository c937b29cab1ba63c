import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ProvisionSettings } from '../src/provisioning/provision.js';
import { pingoneUrls } from '../src/pingone/urls.js';
import { authorizeRequest, tokenRequest } from './pingone-requests.js';
import { CookieJar, type HttpAnswer, type HttpClient } from './http-client.js';
import type { Approval, Timings } from './driver.js';

/** The four PingOne calls of one approval, timed like the app's pages. */
export const BASELINE_STEPS = ['authorize', 'otp.check', 'resume', 'token'] as const;

export interface BaselineTarget {
  http: HttpClient;
  settings: ProvisionSettings;
  location: { environmentId: string; apiUrl: string; authUrl: string };
  redirectUri: string;
  otpFor(marker: string): Promise<string>;
}

function expect(ok: boolean, step: string, res: HttpAnswer): void {
  if (!ok) throw new Error(`${step} answered ${res.status}: ${res.body.slice(0, 300)}`);
}

/**
 * One approval with no relying party: authorize (pi.flow, signed request JWT, PKCE), otp.check,
 * resume and the token exchange straight at the emulator, replaying its cookies. The floor the
 * app is compared with: PingOne's (here the emulator's) own cost plus a minimal client.
 */
export function baselineApproval(target: BaselineTarget): Approval {
  const { http, settings, redirectUri } = target;
  const urls = pingoneUrls({ ...target.location, region: 'com' });
  const secret = new TextEncoder().encode(settings.clientSecret);

  return async (marker: string, timings: Timings) => {
    const jar = new CookieJar();
    const timed = async (step: string, fn: () => Promise<HttpAnswer>) => {
      const started = performance.now();
      const res = await fn();
      timings[step] = performance.now() - started;
      jar.take(res.headers['set-cookie']);
      return res;
    };
    const cookieHeaders = (): Record<string, string> => {
      const cookie = jar.header();
      return cookie ? { cookie } : {};
    };

    const iat = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const requestJwt = await new SignJWT({
      'pi.template': {
        name: 'transaction',
        variant: settings.templateVariant,
        variables: { sum: '250.00', currency: 'EUR', recipient: marker },
      },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(settings.clientId)
      .setAudience(urls.issuer)
      .setSubject(settings.username)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 120)
      .setJti(randomUUID())
      .sign(secret);
    const { query, verifier } = authorizeRequest(settings, redirectUri, requestJwt);
    const authorized = await timed('authorize', () =>
      http.send(`${urls.authorize}?${query}`, { headers: { accept: '*/*' } }),
    );
    // The JWT and PKCE work belongs to this step, as it does in the app's POST /approvals.
    timings.authorize = performance.now() - started;
    const flow = JSON.parse(authorized.body) as { id?: string; status?: string };
    expect(authorized.status === 200 && flow.status === 'OTP_REQUIRED', 'authorize', authorized);

    const otp = await target.otpFor(marker);
    const checked = await timed('otp.check', () =>
      http.send(urls.flow(flow.id!), {
        method: 'POST',
        headers: {
          accept: '*/*',
          'content-type': 'application/vnd.pingidentity.otp.check+json',
          ...cookieHeaders(),
        },
        body: JSON.stringify({ otp }),
      }),
    );
    const completed = JSON.parse(checked.body) as { id?: string; status?: string };
    expect(checked.status === 200 && completed.status === 'COMPLETED', 'otp.check', checked);

    const resumed = await timed('resume', () =>
      http.send(`${urls.resume}?flowId=${encodeURIComponent(completed.id ?? flow.id!)}`, {
        headers: { accept: '*/*', ...cookieHeaders() },
      }),
    );
    let code: string | null | undefined;
    if (resumed.status === 200) {
      code = (JSON.parse(resumed.body) as { authorizeResponse?: { code?: string } })
        .authorizeResponse?.code;
    } else if (resumed.status === 302 && typeof resumed.headers.location === 'string') {
      code = new URL(resumed.headers.location).searchParams.get('code');
    }
    expect(Boolean(code), 'resume', resumed);

    const token = await timed('token', () =>
      http.send(urls.token, tokenRequest(settings, redirectUri, code!, verifier)),
    );
    const tokens = JSON.parse(token.body) as { id_token?: string };
    expect(token.status === 200 && typeof tokens.id_token === 'string', 'token', token);
  };
}
