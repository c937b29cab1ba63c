import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';

/**
 * A relying party written only from PingOne's public documentation, sharing no code with src/:
 * the redirect-less flow of "Authorize (Browserless and MFA Only Flows)" and the "Flows" pages,
 * the token request of "Token (authorization_code)" with HTTP Basic built from the raw client id
 * and secret (as Ping's examples build it), no PKCE, and the flow cookies kept by hand as
 * name=value pairs. Tests run it against the emulator to catch a mistake the emulator and our
 * clients might share.
 */
export interface DocClientConfig {
  /** `https://auth.pingone.{tld}`, or wherever the environment's auth host is reached. */
  authBase: string;
  environmentId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The sign-on policy to use, by name (`acr_values`). */
  policyName?: string;
}

export interface DocSignOn {
  username: string;
  password: string;
  /** Where the test reads the texted code (the emulator's outbox). */
  readOtp(): Promise<string> | string;
}

export interface DocTokens {
  accessToken: string;
  idTokenClaims: Record<string, unknown>;
  /** The statuses the flow went through, in order. */
  statuses: string[];
}

interface FlowAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Name=value pairs of every Set-Cookie, newest winning: the Path PingOne sets is not ours. */
function keepCookies(jar: Map<string, string>, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

async function readJson(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: HTTP ${res.status}, not JSON`);
  }
}

function linkOf(flow: Record<string, unknown>, rel: string): string {
  const links = flow._links as Record<string, { href?: string }> | undefined;
  const href = links?.[rel]?.href;
  if (!href) throw new Error(`flow ${String(flow.status)} has no ${rel} link`);
  return href;
}

const base64url = (s: string) => Buffer.from(s, 'base64url');

/**
 * Signs on with username and password, then the SMS code, and redeems the code. Throws with the
 * step and HTTP status when PingOne (or the emulator) refuses a step.
 */
export async function docClientSignOn(
  config: DocClientConfig,
  user: DocSignOn,
): Promise<DocTokens> {
  const envBase = `${config.authBase.replace(/\/+$/, '')}/${config.environmentId}`;
  const issuer = `${envBase}/as`;
  const jar = new Map<string, string>();
  const statuses: string[] = [];
  const state = randomBytes(12).toString('hex');
  const nonce = randomBytes(12).toString('hex');

  const query = new URLSearchParams({
    response_type: 'code',
    response_mode: 'pi.flow',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid profile',
    state,
    nonce,
  });
  if (config.policyName) query.set('acr_values', config.policyName);
  const started = await fetch(`${issuer}/authorize?${query}`, { redirect: 'manual' });
  keepCookies(jar, started);
  let flow: FlowAnswer = { status: started.status, body: await readJson(started, 'authorize') };

  const post = async (url: string, type: string, body: unknown, what: string) => {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': `application/vnd.pingidentity.${type}+json`,
        Cookie: cookieHeader(jar),
      },
      body: JSON.stringify(body),
    });
    keepCookies(jar, res);
    return { status: res.status, body: await readJson(res, what) };
  };

  for (let step = 0; step < 5; step++) {
    if (flow.status !== 200)
      throw new Error(`flow step: HTTP ${flow.status} ${String(flow.body.code)}`);
    const status = String(flow.body.status);
    statuses.push(status);
    if (status === 'COMPLETED') break;
    if (status === 'USERNAME_PASSWORD_REQUIRED') {
      flow = await post(
        linkOf(flow.body, 'usernamePassword.check'),
        'usernamePassword.check',
        { username: user.username, password: user.password },
        'usernamePassword.check',
      );
    } else if (status === 'OTP_REQUIRED') {
      const otp = await user.readOtp();
      flow = await post(linkOf(flow.body, 'otp.check'), 'otp.check', { otp }, 'otp.check');
    } else {
      throw new Error(`the flow asks for ${status}, which this client does not do`);
    }
  }
  if (statuses.at(-1) !== 'COMPLETED') throw new Error(`the flow did not complete: ${statuses}`);

  const resumed = await fetch(String(flow.body.resumeUrl), {
    redirect: 'manual',
    headers: { Cookie: cookieHeader(jar) },
  });
  const resumeBody = await readJson(resumed, 'resume');
  const authorizeResponse = resumeBody.authorizeResponse as Record<string, string> | undefined;
  if (resumed.status !== 200 || !authorizeResponse?.code)
    throw new Error(`resume: HTTP ${resumed.status}`);
  if (authorizeResponse.state !== undefined && authorizeResponse.state !== state)
    throw new Error('resume: state does not match');

  // Ping's examples: Basic base64("clientId:clientSecret") of the raw values.
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
  const tokenRes = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${basic}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: authorizeResponse.code,
      redirect_uri: config.redirectUri,
    }).toString(),
  });
  const tokens = await readJson(tokenRes, 'token');
  if (tokenRes.status !== 200)
    throw new Error(`token: HTTP ${tokenRes.status} ${String(tokens.error)}`);

  const idTokenClaims = await checkIdToken(String(tokens.id_token), issuer, config.clientId, nonce);
  return { accessToken: String(tokens.access_token), idTokenClaims, statuses };
}

/** RS256 against the environment's JWKS, then iss, aud, nonce and exp (OpenID Connect Core §3.1.3.7). */
async function checkIdToken(
  idToken: string,
  issuer: string,
  clientId: string,
  nonce: string,
): Promise<Record<string, unknown>> {
  const [headerPart, payloadPart, signature] = idToken.split('.');
  if (!headerPart || !payloadPart || !signature) throw new Error('id_token is not a JWT');
  const header = JSON.parse(base64url(headerPart).toString('utf8')) as {
    alg?: string;
    kid?: string;
  };
  if (header.alg !== 'RS256') throw new Error(`id_token alg ${header.alg}`);
  const jwksRes = await fetch(`${issuer}/jwks`);
  const jwks = (await readJson(jwksRes, 'jwks')) as { keys?: Array<JsonWebKey & { kid?: string }> };
  const jwk = jwks.keys?.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error('id_token kid is not in the JWKS');
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    base64url(signature),
  );
  if (!ok) throw new Error('id_token signature does not verify');
  const claims = JSON.parse(base64url(payloadPart).toString('utf8')) as Record<string, unknown>;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== issuer) throw new Error(`id_token iss ${String(claims.iss)}`);
  if (!aud.includes(clientId)) throw new Error('id_token aud is not the client');
  if (claims.nonce !== nonce) throw new Error('id_token nonce does not match');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now())
    throw new Error('id_token has expired');
  return claims;
}
