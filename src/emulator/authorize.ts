import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { JWTPayload } from 'jose';
import { DEFAULT_TRANSACTION_TEXT } from './constants.js';
import type { Context } from './context.js';
import { newFlowCookies, newFlowTimes, type Flow, type FlowStep } from './flow-registry.js';
import { advance } from './flow-steps.js';
import {
  authEnv,
  flowView,
  redirectWith,
  requireHalAccept,
  sendFlow,
  setFlowCookies,
} from './flow-http.js';
import { P1Error } from './p1-error.js';
import { JwtRefused, verifyRequestJwt } from './request-jwt.js';
import { find, list, type Doc, type Environment } from './store.js';

/** An authorize failure: PingOne's error body in pi.flow mode, an RFC 6749 redirect otherwise. */
class AuthorizeError extends Error {
  constructor(
    readonly oauthError: string,
    readonly p1: P1Error,
  ) {
    super(p1.message);
  }
}

function refuse(
  oauthError: string,
  target: string,
  message: string,
  code = 'INVALID_VALUE',
): AuthorizeError {
  return new AuthorizeError(
    oauthError,
    new P1Error(400, 'INVALID_REQUEST', message, [{ code, target, message }]),
  );
}

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
] as const;

type Params = Partial<
  Record<(typeof OAUTH_PARAMS)[number] | 'client_id' | 'request' | 'login_hint_token', string>
>;

function paramsOf(req: Request): Params {
  const out: Record<string, string> = {};
  const take = (source: unknown) => {
    if (!source || typeof source !== 'object') return;
    for (const [k, v] of Object.entries(source as Record<string, unknown>))
      if (typeof v === 'string') out[k] = v;
  };
  take(req.query);
  if (req.method === 'POST') take(req.body);
  return out as Params;
}

/**
 * `GET|POST /{env}/as/authorize` (docs/pingone-contract.md §6.16): pi.flow answers the flow as JSON; query mode
 * (the hosted page) redirects the browser to the emulator's sign-on page.
 */
export async function authorize(ctx: Context, req: Request, res: Response): Promise<void> {
  const env = authEnv(ctx, req);
  const params = paramsOf(req);
  const piFlow = params.response_mode === 'pi.flow';
  if (piFlow) requireHalAccept(req);
  let redirectUri: string | undefined;
  try {
    const app = clientOf(env, params.client_id);
    if (
      params.response_mode !== undefined &&
      !['pi.flow', 'query'].includes(params.response_mode)
    ) {
      throw refuse('invalid_request', 'response_mode', 'response_mode must be pi.flow or query');
    }
    redirectUri = checkRedirectUri(app, params.redirect_uri, piFlow);
    const flow = await buildFlow(ctx, req, env, app, params, redirectUri, piFlow);
    advance(ctx, env, flow);
    ctx.flows.add(flow);
    setFlowCookies(ctx, req, res, flow);
    if (piFlow) return sendFlow(res, 200, flowView(ctx, req, env, flow));
    res.redirect(302, `${ctx.origin(req)}/${env.id}/signon/?flowId=${encodeURIComponent(flow.id)}`);
  } catch (error) {
    const failure =
      error instanceof AuthorizeError
        ? error
        : error instanceof P1Error
          ? new AuthorizeError(error.status === 400 ? 'access_denied' : 'server_error', error)
          : undefined;
    if (!failure) throw error;
    // Never redirect to a redirect_uri that was not validated (RFC 6749 §4.1.2.1).
    if (piFlow || !redirectUri) throw failure.p1;
    const state = typeof params.state === 'string' ? params.state : undefined;
    res.redirect(
      302,
      redirectWith(redirectUri, {
        error: failure.oauthError,
        error_description: failure.p1.message,
        state,
      }),
    );
  }
}

function clientOf(env: Environment, clientId: string | undefined): Doc {
  if (!clientId)
    throw refuse('invalid_request', 'client_id', 'client_id is required', 'REQUIRED_VALUE');
  const app = find(env, 'applications', clientId);
  if (
    !app ||
    app.protocol !== 'OPENID_CONNECT' ||
    !(app.grantTypes as string[]).includes('AUTHORIZATION_CODE')
  ) {
    throw refuse(
      'invalid_client',
      'client_id',
      `No application with client_id ${clientId} can use the authorization code grant`,
    );
  }
  if (app.enabled === false)
    throw refuse('invalid_client', 'client_id', 'The application is disabled');
  return app;
}

function checkRedirectUri(app: Doc, sent: string | undefined, piFlow: boolean): string | undefined {
  const registered = app.redirectUris as string[];
  if (sent !== undefined) {
    if (!registered.includes(sent))
      throw refuse(
        'invalid_request',
        'redirect_uri',
        'redirect_uri is not registered for the application',
      );
    return sent;
  }
  if (piFlow) return undefined;
  if (registered.length === 1) return registered[0];
  throw refuse('invalid_request', 'redirect_uri', 'redirect_uri is required', 'REQUIRED_VALUE');
}

async function buildFlow(
  ctx: Context,
  req: Request,
  env: Environment,
  app: Doc,
  params: Params,
  redirectUri: string | undefined,
  piFlow: boolean,
): Promise<Flow> {
  const issuer = `${ctx.origin(req)}/${env.id}/as`;
  const secrets = secretsOf(env, app, ctx.clock.now());
  const jwtCheck = {
    clientId: app.id,
    issuer,
    secrets,
    supportUnsigned: app.supportUnsignedRequestObject === true,
    now: ctx.clock.now(),
  };
  let requestClaims: JWTPayload = {};
  let hintClaims: JWTPayload | undefined;
  try {
    if (params.request)
      requestClaims = await verifyRequestJwt(params.request, {
        ...jwtCheck,
        target: 'request',
        requireExp: false,
      });
    else if (app.requireSignedRequestObject === true)
      throw new JwtRefused('request', 'The application requires a signed request object');
    if (params.login_hint_token) {
      hintClaims = await verifyRequestJwt(params.login_hint_token, {
        ...jwtCheck,
        target: 'login_hint_token',
        requireExp: true,
      });
    }
  } catch (error) {
    if (error instanceof JwtRefused) {
      throw refuse(
        error.target === 'request' ? 'invalid_request_object' : 'invalid_request',
        error.target,
        error.message,
      );
    }
    throw error;
  }
  // OIDC Core §6.1: values inside the request object supersede the query parameters.
  const merged: Params = { ...params };
  for (const key of OAUTH_PARAMS) {
    const v = requestClaims[key];
    if (typeof v === 'string' && key !== 'response_mode') merged[key] = v;
  }
  if (merged.redirect_uri !== params.redirect_uri) {
    redirectUri = checkRedirectUri(app, merged.redirect_uri, piFlow);
  }
  if (merged.response_type !== 'code')
    throw refuse('unsupported_response_type', 'response_type', 'response_type must be code');
  const scope = checkScopes(env, app, merged.scope);
  const pkce = checkPkce(app, merged.code_challenge, merged.code_challenge_method);
  const policy = policyOf(env, app, merged.acr_values);
  const user = hintClaims ? userOf(env, hintClaims.sub) : undefined;
  const template = requestClaims['pi.template'] ?? hintClaims?.['pi.template'];
  const pending = pendingSteps(policy.actions, user !== undefined, piFlow);
  const mfaAction = policy.actions.find((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION');
  return {
    id: randomUUID(),
    environmentId: env.id,
    applicationId: app.id,
    mode: piFlow ? 'pi.flow' : 'query',
    status: 'OTP_REQUIRED',
    pending,
    policy: {
      id: policy.doc.id,
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
    ...newFlowTimes(ctx.clock),
    cookies: newFlowCookies(),
    amr: [],
    sid: randomUUID(),
  };
}

/**
 * What the flow must still do, in order. Without a login hint (docs/pingone-contract.md §6.20), a
 * policy with a LOGIN action asks for username and password; an MFA-only policy asks only who the
 * user is (SIGN_ON_REQUIRED, then user.lookup). The hosted sign-on page (query mode) always asks
 * for both: it is the emulator's stand-in for PingOne's own page, whose form is PingOne's choice.
 */
function pendingSteps(actions: Doc[], knownUser: boolean, piFlow: boolean): FlowStep[] {
  const pending: FlowStep[] = [];
  const login = actions.some((a) => a.type === 'LOGIN');
  if (!knownUser) pending.push(login || !piFlow ? 'PASSWORD' : 'LOOKUP');
  if (actions.some((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION')) pending.push('MFA');
  return pending;
}

function secretsOf(env: Environment, app: Doc, now: number): string[] {
  const s = env.secrets.get(app.id);
  if (!s) return [];
  const previous = s.previous && Date.parse(s.previous.expiresAt) > now ? [s.previous.secret] : [];
  return [s.secret, ...previous];
}

/** Every requested scope must be granted to the application (step 5). */
function checkScopes(env: Environment, app: Doc, scope: string | undefined): string {
  const requested = (scope ?? '').split(/\s+/).filter(Boolean);
  if (!requested.includes('openid'))
    throw refuse('invalid_scope', 'scope', 'scope must include openid');
  const granted = new Set<string>();
  for (const grant of list(env, 'grants', 'application.id', app.id)) {
    // A grant on the OpenID Connect resource implies `openid`: Ping's Terraform provider says
    // the `openid` scope "should not be included" in such a grant.
    const resource = find(env, 'resources', (grant.resource as { id: string }).id);
    if (resource?.type === 'OPENID_CONNECT') granted.add('openid');
    for (const s of grant.scopes as Array<{ id: string }>) {
      const doc = find(env, 'scopes', s.id);
      if (doc) granted.add(String(doc.name));
    }
  }
  const missing = requested.filter((s) => !granted.has(s));
  if (missing.length)
    throw refuse(
      'invalid_scope',
      'scope',
      `Scopes not granted to the application: ${missing.join(' ')}`,
    );
  return requested.join(' ');
}

/** The app's `pkceEnforcement` (step 1): OPTIONAL, REQUIRED, S256_REQUIRED. */
function checkPkce(app: Doc, challenge: string | undefined, method: string | undefined) {
  const enforcement = app.pkceEnforcement;
  if (!challenge) {
    if (enforcement === 'REQUIRED' || enforcement === 'S256_REQUIRED') {
      throw refuse(
        'invalid_request',
        'code_challenge',
        'code_challenge is required by the application',
        'REQUIRED_VALUE',
      );
    }
    return {};
  }
  const m = method ?? 'plain';
  if (m !== 'S256' && m !== 'plain')
    throw refuse(
      'invalid_request',
      'code_challenge_method',
      'code_challenge_method must be S256 or plain',
    );
  if (enforcement === 'S256_REQUIRED' && m !== 'S256') {
    throw refuse(
      'invalid_request',
      'code_challenge_method',
      'The application requires code_challenge_method=S256',
    );
  }
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge))
    throw refuse('invalid_request', 'code_challenge', 'code_challenge is malformed');
  return { codeChallenge: challenge, codeChallengeMethod: m };
}

/** The sign-on policy: the one named by acr_values among the app's assignments, else the first by priority. */
function policyOf(
  env: Environment,
  app: Doc,
  acrValues: string | undefined,
): { doc: Doc; actions: Doc[] } {
  const assigned = list(env, 'signOnPolicyAssignments', 'application.id', app.id)
    .sort((a, b) => Number(a.priority) - Number(b.priority))
    .map((a) => find(env, 'signOnPolicies', (a.signOnPolicy as { id: string }).id))
    .filter((p): p is Doc => p !== undefined);
  let policy: Doc | undefined;
  if (acrValues) {
    // acr_values is space-separated (OIDC Core §3.1.2.1) yet policy names may hold spaces: try the whole value first.
    const names = [acrValues, ...acrValues.split(/\s+/).filter(Boolean)];
    policy = names.map((n) => assigned.find((p) => p.name === n)).find((p) => p !== undefined);
    if (!policy)
      throw refuse(
        'invalid_request',
        'acr_values',
        'acr_values names no sign-on policy assigned to the application',
      );
  } else {
    policy = assigned[0] ?? list(env, 'signOnPolicies').find((p) => p.default === true);
  }
  if (!policy)
    throw refuse('invalid_request', 'acr_values', 'No sign-on policy applies to the application');
  const actions = list(env, 'actions', 'signOnPolicy.id', policy.id).sort(
    (a, b) => Number(a.priority) - Number(b.priority),
  );
  return { doc: policy, actions };
}

/** `sub` of the login_hint_token: the user's id or username (docs/pingone-contract.md §5). */
function userOf(env: Environment, sub: unknown): Doc {
  if (typeof sub !== 'string' || !sub)
    throw refuse(
      'invalid_request',
      'login_hint_token',
      'login_hint_token must carry sub',
      'REQUIRED_VALUE',
    );
  const user =
    find(env, 'users', sub) ??
    list(env, 'users').find((u) => String(u.username).toLowerCase() === sub.toLowerCase());
  if (!user)
    throw refuse(
      'invalid_request',
      'login_hint_token',
      'The user named by login_hint_token sub was not found',
    );
  if (user.enabled === false)
    throw refuse('access_denied', 'login_hint_token', 'The user is disabled');
  return user;
}

/** The transaction text (step 9) chosen by `pi.template` name, variant and the user's locale. */
function smsTemplateOf(
  env: Environment,
  template: unknown,
  user: Doc | undefined,
): Flow['smsTemplate'] {
  if (template === undefined) return { content: DEFAULT_TRANSACTION_TEXT, variables: {} };
  if (!template || typeof template !== 'object')
    throw refuse('invalid_request_object', 'pi.template', 'pi.template must be an object');
  const t = template as Record<string, unknown>;
  const name = typeof t.name === 'string' ? t.name : 'transaction';
  if (!find(env, 'templates', name))
    throw refuse('invalid_request_object', 'pi.template.name', `No template named ${name}`);
  const variables: Record<string, string> = {};
  if (t.variables !== undefined) {
    if (!t.variables || typeof t.variables !== 'object' || Array.isArray(t.variables)) {
      throw refuse(
        'invalid_request_object',
        'pi.template.variables',
        'pi.template.variables must be an object',
      );
    }
    for (const [k, v] of Object.entries(t.variables as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number') {
        throw refuse(
          'invalid_request_object',
          `pi.template.variables.${k}`,
          'template variables must be strings',
        );
      }
      variables[k] = String(v);
    }
  }
  const variant = typeof t.variant === 'string' && t.variant ? t.variant : undefined;
  const sms = list(env, 'contents', 'template.id', name).filter((c) => c.deliveryMethod === 'SMS');
  const locale = typeof user?.locale === 'string' ? user.locale : 'en';
  const inLocale = (l: string) => sms.filter((c) => c.locale === l);
  const candidates = inLocale(locale).length ? inLocale(locale) : inLocale('en');
  const content = variant
    ? candidates.find((c) => c.variant === variant)
    : (candidates.find((c) => c.variant === undefined) ??
      candidates.find((c) => c.default === true));
  if (variant && !content) {
    throw refuse(
      'invalid_request_object',
      'pi.template.variant',
      `No SMS content of template ${name} has variant ${variant}`,
    );
  }
  return {
    content: typeof content?.content === 'string' ? content.content : DEFAULT_TRANSACTION_TEXT,
    variables,
  };
}
