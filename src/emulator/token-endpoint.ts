import { createHash, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  TOKEN_LIFETIME_S,
  TOKEN_REDIRECT_URI_REQUIRED_ONLY_IF_AUTHORIZE_HAD_ONE,
} from './constants.js';
import { sameSecret, secretsOf } from './authorize-checks.js';
import type { Context } from './context.js';
import { authEnv, stringFields } from './flow-http.js';
import { OAuthError } from './p1-error.js';
import { find, type Doc, type Environment } from './store.js';

const refuse = (error: string, message: string, status = 400) =>
  new OAuthError(status, error, message);

/** `POST /{env}/as/token` (docs/pingone-contract.md §3 worker token, §6.19 authorization code). RFC 6749 errors. */
export async function tokenEndpoint(ctx: Context, req: Request, res: Response): Promise<void> {
  const env = authEnv(ctx, req);
  if (!req.is('application/x-www-form-urlencoded')) {
    throw refuse('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = stringFields(req.body);
  const app = authenticateClient(ctx, env, req, form);
  const grantType = form.grant_type;
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  if (grantType === 'client_credentials')
    return void res.json(await clientCredentials(ctx, env, app));
  if (grantType === 'authorization_code')
    return void res.json(await authorizationCode(ctx, env, app, form));
  if (!grantType) throw refuse('invalid_request', 'grant_type is required');
  throw refuse('unsupported_grant_type', `grant_type ${grantType} is not supported`);
}

function authenticateClient(
  ctx: Context,
  env: Environment,
  req: Request,
  form: Record<string, string>,
): Doc {
  const header = req.get('authorization');
  let clientId: string | undefined;
  let secret: string | undefined;
  let method: string;
  if (header && /^Basic\s/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw refuse('invalid_client', 'Malformed Basic authorization', 401);
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    try {
      clientId = unescape(decoded.slice(0, colon));
      secret = unescape(decoded.slice(colon + 1));
    } catch {
      throw refuse('invalid_client', 'Malformed Basic authorization', 401);
    }
    method = 'CLIENT_SECRET_BASIC';
    if (form.client_secret !== undefined)
      throw refuse('invalid_request', 'Use one client authentication method');
  } else {
    clientId = form.client_id;
    secret = form.client_secret;
    method = 'CLIENT_SECRET_POST';
  }
  if (!clientId || secret === undefined)
    throw refuse('invalid_client', 'Client authentication is required', 401);
  const app = find(env, 'applications', clientId);
  const ok = app && secretsOf(env, app, ctx.clock.now()).some((s) => sameSecret(secret!, s));
  if (!app || !ok || app.enabled === false)
    throw refuse('invalid_client', 'Client authentication failed', 401);
  if (app.tokenEndpointAuthMethod !== method) {
    throw refuse(
      'invalid_client',
      `The application uses ${String(app.tokenEndpointAuthMethod)}`,
      401,
    );
  }
  return app;
}

async function clientCredentials(ctx: Context, env: Environment, app: Doc) {
  if (!(app.grantTypes as string[]).includes('CLIENT_CREDENTIALS')) {
    throw refuse('unauthorized_client', 'The application may not use client_credentials');
  }
  const { token } = await accessToken(ctx, env, app);
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S };
}

async function authorizationCode(
  ctx: Context,
  env: Environment,
  app: Doc,
  form: Record<string, string>,
) {
  const code = form.code;
  if (!code) throw refuse('invalid_request', 'code is required');
  const grant = ctx.flows.code(code);
  if (!grant || grant.flow.environmentId !== env.id || grant.flow.applicationId !== app.id) {
    throw refuse('invalid_grant', 'The authorization code is unknown or expired');
  }
  if (grant.used) throw refuse('invalid_grant', 'The authorization code was already used');
  // Single use: a code is spent by any redemption attempt, successful or not.
  grant.used = true;
  const { flow } = grant;
  const checkRedirect =
    flow.redirectUriSent !== undefined || !TOKEN_REDIRECT_URI_REQUIRED_ONLY_IF_AUTHORIZE_HAD_ONE;
  if (checkRedirect && form.redirect_uri !== flow.redirectUriSent)
    throw refuse('invalid_grant', 'redirect_uri does not match the authorization request');
  if (flow.codeChallenge !== undefined) {
    const verifier = form.code_verifier;
    if (!verifier) throw refuse('invalid_grant', 'code_verifier is required');
    const computed =
      flow.codeChallengeMethod === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier;
    if (computed !== flow.codeChallenge)
      throw refuse('invalid_grant', 'code_verifier does not match the code_challenge');
  }
  // A completed flow has its user and authentication time.
  const user = find(env, 'users', flow.userId!);
  if (!user) throw refuse('invalid_grant', 'The user no longer exists');
  const { token, now, exp, issuer } = await accessToken(ctx, env, app, {
    sub: user.id,
    scope: flow.scope,
    sid: flow.sid,
  });
  const idToken = await ctx.key.sign({
    iss: issuer,
    sub: user.id,
    aud: app.id,
    iat: now,
    exp,
    auth_time: Math.floor(flow.authTime! / 1000),
    nonce: flow.nonce, // left out when undefined, as JSON does
    acr: flow.policy.name,
    amr: flow.amr,
    sid: flow.sid,
    env: env.id,
    org: env.organizationId,
    'p1.region': 'NA',
  });
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_S,
    scope: flow.scope,
    id_token: idToken,
  };
}

/** Registered, so the management API (worker) or userinfo (with `user`) accepts it. */
async function accessToken(
  ctx: Context,
  env: Environment,
  app: Doc,
  user?: { sub: string; scope: string; sid: string },
) {
  const now = Math.floor(ctx.clock.now() / 1000);
  const exp = now + TOKEN_LIFETIME_S;
  const issuer = `${ctx.origin}/${env.id}/as`;
  // Without `user` (a worker token) sub, scope and sid are undefined, so left out.
  const token = await ctx.key.sign({
    client_id: app.id,
    iss: issuer,
    sub: user?.sub,
    aud: [`${ctx.origin}/v1`],
    scope: user?.scope,
    sid: user?.sid,
    env: env.id,
    org: env.organizationId,
    iat: now,
    exp,
    jti: randomUUID(),
  });
  ctx.tokens.add(token, {
    kind: user ? 'access' : 'worker',
    environmentId: env.id,
    sub: user?.sub,
    scope: user?.scope,
    expiresAt: exp * 1000,
  });
  return { token, now, exp, issuer };
}
