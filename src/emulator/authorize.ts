import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { JWTPayload } from 'jose';
import {
  AuthorizeError,
  checkPkce,
  checkRedirectUri,
  checkScopes,
  clientOf,
  pendingSteps,
  policyOf,
  refuse,
  secretsOf,
  smsTemplateOf,
  userOf,
} from './authorize-checks.js';
import type { Context } from './context.js';
import { FLOW_LIFETIME_MS, SSO_SESSION_COOKIE } from './constants.js';
import { newFlowCookies, type Flow } from './flow-registry.js';
import {
  authEnv,
  flowView,
  parseCookies,
  redirectWith,
  requireHalAccept,
  sendFlow,
  setFlowCookies,
  signOnPageUrl,
  stringFields,
} from './flow-http.js';
import { advance } from './flow-steps.js';
import { P1Error } from './p1-error.js';
import { verifyRequestJwt } from './request-jwt.js';
import type { SsoSession } from './sso-sessions.js';
import { find, type Doc, type Environment } from './store.js';

const OAUTH_PARAMS = [
  'response_type',
  'redirect_uri',
  'state',
  'nonce',
  'scope',
  'code_challenge',
  'code_challenge_method',
  'acr_values',
  'response_mode',
  'prompt',
  'max_age',
] as const;

type AuthorizeParams = Partial<
  Record<(typeof OAUTH_PARAMS)[number] | 'client_id' | 'request' | 'login_hint_token', string>
>;

async function buildFlow(
  ctx: Context,
  req: Request,
  env: Environment,
  app: Doc,
  params: AuthorizeParams,
  redirectUri: string | undefined,
  piFlow: boolean,
): Promise<Flow> {
  const now = ctx.clock.now();
  const check = {
    clientId: app.id,
    issuer: `${ctx.origin}/${env.id}/as`,
    secrets: secretsOf(env, app, now),
    supportUnsigned: app.supportUnsignedRequestObject === true,
    now,
  };
  if (!params.request && app.requireSignedRequestObject === true) {
    const message = 'The application requires a signed request object';
    throw refuse('request', message, 'invalid_request_object');
  }
  const requestClaims: JWTPayload = params.request
    ? await verifyRequestJwt(params.request, { ...check, target: 'request' })
    : {};
  const hintClaims = params.login_hint_token
    ? await verifyRequestJwt(params.login_hint_token, { ...check, target: 'login_hint_token' })
    : undefined;
  // OIDC Core §6.1: values inside the request object supersede the query parameters.
  const merged: AuthorizeParams = { ...params };
  for (const key of OAUTH_PARAMS) {
    const v = requestClaims[key];
    if (typeof v === 'string' && key !== 'response_mode') merged[key] = v;
    // A JSON number in the request object (OIDC Core §6.1 gives max_age as one).
    if (key === 'max_age' && typeof v === 'number') merged[key] = String(v);
  }
  if (merged.max_age !== undefined && !/^\d{1,9}$/.test(merged.max_age))
    throw refuse('max_age', 'max_age must be a whole number of seconds, 0 or more');
  if (merged.redirect_uri !== params.redirect_uri) {
    redirectUri = checkRedirectUri(app, merged.redirect_uri, piFlow);
  }
  if (merged.response_type !== 'code')
    throw refuse('response_type', 'response_type must be code', 'unsupported_response_type');
  const scope = checkScopes(env, app, merged.scope);
  const pkce = checkPkce(app, merged.code_challenge, merged.code_challenge_method);
  const policy = policyOf(env, app, merged.acr_values);
  const hinted = hintClaims ? userOf(env, hintClaims.sub) : undefined;
  // Answered from the person's sign-on session: no step left, the session's authentication.
  const session = reusableSession(ctx, req, env, merged, hinted);
  const user = session ? find(env, 'users', session.userId) : hinted;
  const template = requestClaims['pi.template'] ?? hintClaims?.['pi.template'];
  const mfaAction = policy.actions.find((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION');
  return {
    id: randomUUID(),
    environmentId: env.id,
    applicationId: app.id,
    mode: piFlow ? 'pi.flow' : 'query',
    status: 'OTP_REQUIRED',
    pending: session ? [] : pendingSteps(policy.actions, user !== undefined, piFlow),
    policy: {
      name: String(policy.doc.name),
      ...(mfaAction ? { mfaActionId: mfaAction.id } : {}),
    },
    ...(user ? { userId: user.id } : {}),
    redirectUriSent: merged.redirect_uri,
    redirectUri,
    state: merged.state,
    nonce: merged.nonce,
    scope,
    ...pkce,
    smsTemplate: smsTemplateOf(env, template, user),
    expiresAt: now + FLOW_LIFETIME_MS,
    cookies: newFlowCookies(),
    amr: session ? [...session.amr] : [],
    sid: session?.sid ?? randomUUID(),
    ...(session && { authTime: session.authTime }),
  };
}

function paramsOf(req: Request): AuthorizeParams {
  const body = req.method === 'POST' ? stringFields(req.body) : {};
  return { ...stringFields(req.query), ...body };
}

/** docs/pingone-contract.md §6.16: pi.flow answers the flow as JSON; query mode redirects to the sign-on page. */
export async function authorize(ctx: Context, req: Request, res: Response): Promise<void> {
  const env = authEnv(ctx, req);
  const params = paramsOf(req);
  const piFlow = params.response_mode === 'pi.flow';
  if (piFlow) requireHalAccept(req);
  let redirectUri: string | undefined;
  try {
    const app = clientOf(env, params.client_id);
    if (params.response_mode !== undefined && !['pi.flow', 'query'].includes(params.response_mode))
      throw refuse('response_mode', 'response_mode must be pi.flow or query');
    redirectUri = checkRedirectUri(app, params.redirect_uri, piFlow);
    const flow = await buildFlow(ctx, req, env, app, params, redirectUri, piFlow);
    advance(ctx, env, flow);
    ctx.flows.add(flow);
    setFlowCookies(ctx, res, flow);
    if (piFlow) return sendFlow(res, flowView(ctx, env, flow));
    res.redirect(302, signOnPageUrl(ctx, flow));
  } catch (error) {
    // Never redirect to a redirect_uri that was not validated (RFC 6749 §4.1.2.1).
    if (!(error instanceof P1Error) || piFlow || !redirectUri) throw error;
    const oauthError =
      error instanceof AuthorizeError
        ? error.oauthError
        : error.status === 400
          ? 'access_denied'
          : 'server_error';
    const { state } = params;
    const query = { error: oauthError, error_description: error.message, state };
    res.redirect(302, redirectWith(redirectUri, query));
  }
}

/**
 * The session the browser's ST cookie names, of the hinted user if any, unless the request asks
 * for a new authentication (OIDC Core §3.1.2.1: `prompt=login`, or a `max_age` the session is
 * older than; `max_age=0` always). Variant `ignoreReauthentication`: a tenant that does not.
 */
function reusableSession(
  ctx: Context,
  req: Request,
  env: Environment,
  params: { prompt?: string | undefined; max_age?: string | undefined },
  hintedUser: Doc | undefined,
): SsoSession | undefined {
  const session = ctx.sessions.find(env.id, parseCookies(req.get('cookie'))[SSO_SESSION_COOKIE]);
  if (!session || (hintedUser && hintedUser.id !== session.userId)) return undefined;
  // A user deleted or disabled since signs on again (and is refused there).
  const user = find(env, 'users', session.userId);
  if (!user || user.enabled === false) return undefined;
  if (ctx.variants.ignoreReauthentication) return session;
  const maxAgeMs = params.max_age === undefined ? undefined : Number(params.max_age) * 1000;
  const fresh =
    (params.prompt ?? '').split(/\s+/).includes('login') ||
    (maxAgeMs !== undefined && (maxAgeMs === 0 || ctx.clock.now() - session.authTime > maxAgeMs));
  return fresh ? undefined : session;
}
