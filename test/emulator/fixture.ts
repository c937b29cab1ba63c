import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import * as client from 'openid-client';
import type { RunningEmulator } from '../../src/emulator/index.js';

/** Shared by the conformance tests: real HTTP against a started emulator, nothing mocked. */

export interface CallResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<CallResult> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function workerToken(em: RunningEmulator): Promise<string> {
  const basic = Buffer.from(`${em.worker.clientId}:${em.worker.clientSecret}`).toString('base64');
  const res = await call(`${em.authUrl}/${em.environmentId}/as/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`worker token: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** Management calls of one environment with a bearer. */
export function management(em: RunningEmulator, token: string) {
  const base = `${em.apiUrl}/environments/${em.environmentId}`;
  const send = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    call(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    base,
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown, contentType?: string) =>
      send('POST', path, body, contentType),
    put: (path: string, body: unknown, contentType?: string) =>
      send('PUT', path, body, contentType),
    patch: (path: string, body: unknown) => send('PATCH', path, body),
    del: (path: string) => send('DELETE', path),
  };
}

export const REDIRECT_URI = 'http://127.0.0.1:3000/callback';
export const PHONE = '+15555550123';
export const VARIANT = 'tx-approval';
export const POLICY_NAME = 'TxApproval_SMS';

/**
 * A step-14 body in the full shape the MFA spec requires (docs/pingone-contract.md §4 step 14): every
 * method with `enabled` and its `otp` block, SMS alone enabled, no new-device notification.
 */
export function fullDevicePolicy(
  name: string,
  smsOtp: Record<string, unknown> = {
    failure: { count: 3, coolDown: { duration: 0, timeUnit: 'MINUTES' } },
    lifeTime: { duration: 5, timeUnit: 'MINUTES' },
    otpLength: 6,
  },
): Record<string, unknown> {
  const failure = { count: 3, coolDown: { duration: 0, timeUnit: 'MINUTES' } };
  const offline = { failure, lifeTime: { duration: 5, timeUnit: 'MINUTES' }, otpLength: 6 };
  return {
    name,
    default: false,
    forSignOnPolicy: false,
    newDeviceNotification: 'NONE',
    sms: { enabled: true, otp: smsOtp },
    email: { enabled: false, otp: offline },
    voice: { enabled: false, otp: offline },
    mobile: { enabled: false, otp: { failure } },
    totp: { enabled: false, otp: { failure } },
  };
}

export interface Provisioned {
  token: string;
  appId: string;
  secret: string;
  userId: string;
  username: string;
  password: string;
  policyId: string;
  devicePolicyId: string;
  deviceId: string;
  populationId: string;
  openidResourceId: string;
}

/** Steps 1–15 of the workflow, asserting each answer's status. */
export async function provision(
  em: RunningEmulator,
  opts: {
    pkceEnforcement?: string;
    failureCount?: number;
    lifetime?: { duration: number; timeUnit: string };
    mfaEnabled?: boolean;
    device?: boolean;
    username?: string;
  } = {},
): Promise<Provisioned> {
  const token = await workerToken(em);
  const m = management(em, token);
  const expect = (res: CallResult, status: number, what: string) => {
    if (res.status !== status)
      throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
    return res.body;
  };
  const app = expect(
    await m.post('/applications', {
      enabled: true,
      name: 'TxApproval App',
      type: 'WEB_APP',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['AUTHORIZATION_CODE'],
      responseTypes: ['CODE'],
      redirectUris: [REDIRECT_URI],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      pkceEnforcement: opts.pkceEnforcement ?? 'S256_REQUIRED',
    }),
    201,
    'application',
  );
  const secret = expect(await m.get(`/applications/${app.id}/secret`), 200, 'secret')
    .secret as string;
  const resources = expect(await m.get('/resources'), 200, 'resources')._embedded
    .resources as Array<Record<string, string>>;
  const openid = resources.find((r) => r.type === 'OPENID_CONNECT')!;
  const scopes = expect(await m.get(`/resources/${openid.id}/scopes`), 200, 'scopes')._embedded
    .scopes as Array<Record<string, string>>;
  // Like real setup: `openid` is implied by a grant on the OpenID Connect resource.
  const wanted = scopes.filter((s) => s.name === 'profile');
  expect(
    await m.post(`/applications/${app.id}/grants`, {
      resource: { id: openid.id },
      scopes: wanted.map((s) => ({ id: s.id })),
    }),
    201,
    'grant',
  );
  const devicePolicy = expect(
    await m.post(
      '/deviceAuthenticationPolicies',
      fullDevicePolicy('TxApproval MFA', {
        failure: { count: opts.failureCount ?? 3, coolDown: { duration: 0, timeUnit: 'MINUTES' } },
        lifeTime: opts.lifetime ?? { duration: 5, timeUnit: 'MINUTES' },
        otpLength: 6,
      }),
    ),
    201,
    'device policy',
  );
  const policy = expect(
    await m.post('/signOnPolicies', { name: POLICY_NAME, description: 'SMS approval' }),
    201,
    'policy',
  );
  expect(
    await m.post(`/signOnPolicies/${policy.id}/actions`, {
      priority: 1,
      type: 'MULTI_FACTOR_AUTHENTICATION',
      sms: { enabled: true },
      email: { enabled: false },
      deviceAuthenticationPolicy: { id: devicePolicy.id },
    }),
    201,
    'action',
  );
  expect(
    await m.post(`/applications/${app.id}/signOnPolicyAssignments`, {
      priority: 1,
      signOnPolicy: { id: policy.id },
    }),
    201,
    'assignment',
  );
  expect(
    await m.post('/templates/transaction/contents', {
      locale: 'en',
      deliveryMethod: 'SMS',
      variant: VARIANT,
      content: 'Approve ${sum} ${currency} to ${recipient}? Code: ${OTP}',
    }),
    201,
    'content',
  );
  const population = expect(
    await m.post('/populations', { name: 'TxApproval Users', description: 'demo' }),
    201,
    'population',
  );
  const username = opts.username ?? 'txapproval-demo';
  const user = expect(
    await m.post('/users', {
      username,
      email: `${username}@example.com`,
      name: { given: 'Demo', family: 'User' },
      mobilePhone: PHONE,
      population: { id: population.id },
    }),
    201,
    'user',
  );
  const password = `Pw-${randomBytes(8).toString('hex')}!`;
  expect(
    await m.put(
      `/users/${user.id}/password`,
      { value: password, forceChange: false },
      'application/vnd.pingidentity.password.set+json',
    ),
    200,
    'password',
  );
  if (opts.mfaEnabled !== false)
    expect(await m.put(`/users/${user.id}/mfaEnabled`, { mfaEnabled: true }), 200, 'mfaEnabled');
  let deviceId = '';
  if (opts.device !== false) {
    deviceId = expect(
      await m.post(`/users/${user.id}/devices`, {
        type: 'SMS',
        phone: PHONE,
        policy: { id: devicePolicy.id },
      }),
      201,
      'device',
    ).id;
  }
  return {
    token,
    appId: app.id,
    secret,
    userId: user.id,
    username,
    password,
    policyId: policy.id,
    devicePolicyId: devicePolicy.id,
    deviceId,
    populationId: population.id,
    openidResourceId: openid.id!,
  };
}

export const LOGIN_POLICY_NAME = 'TxApproval_Login';

/**
 * A second sign-on policy on the app: LOGIN (username and password), then the SMS MFA action in
 * the Terraform provider's shape. Select it with `acr_values=LOGIN_POLICY_NAME`.
 */
export async function addLoginPolicy(em: RunningEmulator, p: Provisioned): Promise<void> {
  const m = management(em, p.token);
  const policy = await m.post('/signOnPolicies', { name: LOGIN_POLICY_NAME });
  const steps = [
    [`/signOnPolicies/${policy.body.id}/actions`, { priority: 1, type: 'LOGIN' }],
    [
      `/signOnPolicies/${policy.body.id}/actions`,
      {
        priority: 2,
        type: 'MULTI_FACTOR_AUTHENTICATION',
        deviceAuthenticationPolicy: { id: p.devicePolicyId },
        noDevicesMode: 'BLOCK',
      },
    ],
    [
      `/applications/${p.appId}/signOnPolicyAssignments`,
      { priority: 2, signOnPolicy: { id: policy.body.id } },
    ],
  ] as const;
  for (const [path, body] of steps) {
    const res = await m.post(path, body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
  }
}

/** openid-client (the app's flow client) configured by discovery, verifying ID token signatures. */
export async function openIdClientConfig(
  em: RunningEmulator,
  p: Provisioned,
): Promise<client.Configuration> {
  const config = await client.discovery(
    new URL(`${em.authUrl}/${em.environmentId}/as`),
    p.appId,
    undefined,
    client.ClientSecretBasic(p.secret),
    { execute: [client.allowInsecureRequests] },
  );
  client.enableNonRepudiationChecks(config);
  return config;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const TEMPLATE = {
  name: 'transaction',
  variant: VARIANT,
  variables: { sum: '250.00', currency: 'EUR', recipient: 'Bob' },
};

/** The request JWT / login_hint_token of docs/pingone-contract.md §5, HS256 with the app secret. */
export async function requestJwt(
  em: RunningEmulator,
  p: Provisioned,
  overrides: {
    sub?: string | null;
    aud?: string;
    iss?: string;
    exp?: number;
    secret?: string;
    template?: unknown;
    /** More claims (authorize parameters inside the request object). */
    claims?: Record<string, unknown>;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    'pi.template': overrides.template ?? TEMPLATE,
    ...overrides.claims,
  };
  if (overrides.sub !== null) claims.sub = overrides.sub ?? p.userId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(overrides.iss ?? p.appId)
    .setAudience(overrides.aud ?? `${em.authUrl}/${em.environmentId}/as`)
    .setIssuedAt(now)
    .setExpirationTime(overrides.exp ?? now + 300)
    .sign(new TextEncoder().encode(overrides.secret ?? p.secret));
}

export interface Started {
  res: CallResult;
  cookies: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** Keeps the name=value pairs of Set-Cookie, as a client must (their Path would make a jar drop them). */
export function cookiesOf(res: CallResult, previous = ''): string {
  const jar = new Map<string, string>();
  for (const pair of previous.split('; ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  for (const c of res.headers.getSetCookie()) {
    const first = c.split(';')[0]!;
    const eq = first.indexOf('=');
    jar.set(first.slice(0, eq), first.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export async function authorize(
  em: RunningEmulator,
  p: Provisioned,
  opts: {
    jwt?: string;
    hint?: string | null;
    mode?: string;
    extra?: Record<string, string>;
    omit?: string[];
    /** The Cookie header a browser would send (an earlier flow's, for SSO). */
    cookie?: string;
  } = {},
): Promise<Started> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  const jwt = opts.jwt ?? (await requestJwt(em, p));
  const params: Record<string, string> = {
    client_id: p.appId,
    response_type: 'code',
    response_mode: opts.mode ?? 'pi.flow',
    scope: 'openid profile',
    request: jwt,
    redirect_uri: REDIRECT_URI,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    acr_values: POLICY_NAME,
    ...opts.extra,
  };
  if (opts.hint !== null) params.login_hint_token = opts.hint ?? jwt;
  for (const k of opts.omit ?? []) delete params[k];
  const res = await call(
    `${em.authUrl}/${em.environmentId}/as/authorize?${new URLSearchParams(params)}`,
    {
      headers: { accept: '*/*', ...(opts.cookie ? { cookie: opts.cookie } : {}) },
    },
  );
  return { res, cookies: cookiesOf(res, opts.cookie), verifier, state, nonce };
}

export function flowCall(
  em: RunningEmulator,
  flowId: string,
  cookies: string,
  body: unknown,
  contentType = 'application/vnd.pingidentity.otp.check+json',
  extra: Record<string, string> = {},
) {
  return call(`${em.authUrl}/${em.environmentId}/flows/${flowId}`, {
    method: 'POST',
    headers: {
      accept: '*/*',
      'content-type': contentType,
      ...(cookies ? { cookie: cookies } : {}),
      ...extra,
    },
    body: JSON.stringify(body),
  });
}

export function resume(em: RunningEmulator, flowId: string, cookies: string) {
  return call(`${em.authUrl}/${em.environmentId}/as/resume?flowId=${encodeURIComponent(flowId)}`, {
    headers: { accept: '*/*', ...(cookies ? { cookie: cookies } : {}) },
  });
}

export function redeem(
  em: RunningEmulator,
  p: Provisioned,
  code: string,
  verifier: string | undefined,
  redirectUri: string | null = REDIRECT_URI,
) {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code });
  if (redirectUri !== null) form.set('redirect_uri', redirectUri);
  if (verifier !== undefined) form.set('code_verifier', verifier);
  return call(`${em.authUrl}/${em.environmentId}/as/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${p.appId}:${p.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
  });
}

/** The OTP of the newest SMS to the demo phone. */
export function lastOtp(em: RunningEmulator): string {
  const sms = em.handle.sms(PHONE)[0];
  if (!sms) throw new Error('no SMS sent');
  return sms.otp;
}

/** authorize → otp.check → resume: the happy path up to the code. */
export async function approve(em: RunningEmulator, p: Provisioned) {
  const started = await authorize(em, p);
  if (started.res.status !== 200)
    throw new Error(`authorize: ${started.res.status} ${started.res.text}`);
  const checked = await flowCall(em, started.res.body.id, started.cookies, { otp: lastOtp(em) });
  if (checked.status !== 200) throw new Error(`otp.check: ${checked.status} ${checked.text}`);
  const cookies = cookiesOf(checked, started.cookies);
  const resumed = await resume(em, checked.body.id, cookies);
  if (resumed.status !== 200) throw new Error(`resume: ${resumed.status} ${resumed.text}`);
  return { ...started, cookies, code: resumed.body.authorizeResponse.code as string, resumed };
}
