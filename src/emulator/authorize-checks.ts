import { timingSafeEqual } from 'node:crypto';
import { isObject } from './checker.js';
import { DEFAULT_TRANSACTION_TEXT } from './constants.js';
import type { Flow, FlowStep } from './flow-registry.js';
import { P1Error } from './p1-error.js';
import { find, list, userNamed, type Doc, type Environment } from './store.js';

/** An authorize refusal: PingOne's error body in pi.flow mode, `oauthError` in the RFC 6749 redirect otherwise. */
export class AuthorizeError extends P1Error {
  constructor(
    readonly oauthError: string,
    target: string,
    message: string,
    code: string,
  ) {
    super(400, 'INVALID_REQUEST', message, [{ code, target, message }]);
  }
}

export function refuse(
  target: string,
  message: string,
  oauthError = 'invalid_request',
  code = 'INVALID_VALUE',
): AuthorizeError {
  return new AuthorizeError(oauthError, target, message, code);
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The application named by `client_id`: an enabled OIDC app that may use the code grant. */
export function clientOf(env: Environment, clientId: string | undefined): Doc {
  if (!clientId) throw refuse('client_id', 'client_id is required', undefined, 'REQUIRED_VALUE');
  const app = find(env, 'applications', clientId);
  if (
    !app ||
    app.protocol !== 'OPENID_CONNECT' ||
    !(app.grantTypes as string[]).includes('AUTHORIZATION_CODE')
  ) {
    throw refuse(
      'client_id',
      `No application with client_id ${clientId} can use the authorization code grant`,
      'invalid_client',
    );
  }
  if (app.enabled === false)
    throw refuse('client_id', 'The application is disabled', 'invalid_client');
  return app;
}

/** The redirect URI to use: the one sent if registered; else, outside pi.flow, the only one. */
export function checkRedirectUri(
  app: Doc,
  sent: string | undefined,
  piFlow: boolean,
): string | undefined {
  const registered = app.redirectUris as string[];
  if (sent !== undefined) {
    if (!registered.includes(sent))
      throw refuse('redirect_uri', 'redirect_uri is not registered for the application');
    return sent;
  }
  if (piFlow) return undefined;
  if (registered.length === 1) return registered[0];
  throw refuse('redirect_uri', 'redirect_uri is required', undefined, 'REQUIRED_VALUE');
}

export function secretsOf(env: Environment, app: Doc, now: number): string[] {
  const s = env.secrets.get(app.id);
  if (!s) return [];
  const previous = s.previous && Date.parse(s.previous.expiresAt) > now ? [s.previous.secret] : [];
  return [s.secret, ...previous];
}

export function checkScopes(env: Environment, app: Doc, scope: string | undefined): string {
  const requested = (scope ?? '').split(/\s+/).filter(Boolean);
  if (!requested.includes('openid'))
    throw refuse('scope', 'scope must include openid', 'invalid_scope');
  const granted = new Set<string>();
  for (const grant of list(env, 'grants', 'application.id', app.id)) {
    // A grant on the OpenID Connect resource implies `openid` (the Terraform provider says the
    // scope "should not be included" in such a grant).
    const resource = find(env, 'resources', (grant.resource as { id: string }).id);
    if (resource?.type === 'OPENID_CONNECT') granted.add('openid');
    for (const s of grant.scopes as Array<{ id: string }>) {
      const doc = find(env, 'scopes', s.id);
      if (doc) granted.add(String(doc.name));
    }
  }
  const missing = requested.filter((s) => !granted.has(s));
  if (missing.length) {
    const message = `Scopes not granted to the application: ${missing.join(' ')}`;
    throw refuse('scope', message, 'invalid_scope');
  }
  return requested.join(' ');
}

export function checkPkce(app: Doc, challenge: string | undefined, method: string | undefined) {
  const enforcement = app.pkceEnforcement;
  if (!challenge) {
    if (enforcement === 'REQUIRED' || enforcement === 'S256_REQUIRED') {
      const message = 'code_challenge is required by the application';
      throw refuse('code_challenge', message, undefined, 'REQUIRED_VALUE');
    }
    return {};
  }
  const m = method ?? 'plain';
  if (m !== 'S256' && m !== 'plain')
    throw refuse('code_challenge_method', 'code_challenge_method must be S256 or plain');
  if (enforcement === 'S256_REQUIRED' && m !== 'S256')
    throw refuse('code_challenge_method', 'The application requires code_challenge_method=S256');
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge))
    throw refuse('code_challenge', 'code_challenge is malformed');
  return { codeChallenge: challenge, codeChallengeMethod: m };
}

const byPriority = (a: Doc, b: Doc) => Number(a.priority) - Number(b.priority);

/** The sign-on policy: the one named by acr_values among the app's assignments, else the first by priority. */
export function policyOf(
  env: Environment,
  app: Doc,
  acrValues: string | undefined,
): { doc: Doc; actions: Doc[] } {
  const assigned = list(env, 'signOnPolicyAssignments', 'application.id', app.id)
    .sort(byPriority)
    .map((a) => find(env, 'signOnPolicies', (a.signOnPolicy as { id: string }).id))
    .filter((p): p is Doc => p !== undefined);
  let policy: Doc | undefined;
  if (acrValues) {
    // Space-separated (OIDC Core §3.1.2.1), yet policy names may hold spaces: the whole value first.
    const names = [acrValues, ...acrValues.split(/\s+/).filter(Boolean)];
    policy = names.map((n) => assigned.find((p) => p.name === n)).find((p) => p !== undefined);
    if (!policy)
      throw refuse('acr_values', 'acr_values names no sign-on policy assigned to the application');
  } else {
    policy = assigned[0] ?? list(env, 'signOnPolicies').find((p) => p.default === true);
  }
  if (!policy) throw refuse('acr_values', 'No sign-on policy applies to the application');
  return {
    doc: policy,
    actions: list(env, 'actions', 'signOnPolicy.id', policy.id).sort(byPriority),
  };
}

// Without a login hint (docs/pingone-contract.md §6.20) LOGIN asks for a password, MFA-only for
// the username; the hosted page (query mode), our stand-in for PingOne's form, asks for a password.
export function pendingSteps(actions: Doc[], knownUser: boolean, piFlow: boolean): FlowStep[] {
  const pending: FlowStep[] = [];
  const login = actions.some((a) => a.type === 'LOGIN');
  if (!knownUser) pending.push(login || !piFlow ? 'PASSWORD' : 'LOOKUP');
  if (actions.some((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION')) pending.push('MFA');
  return pending;
}

/** `sub` of the login_hint_token: the user's id or username (docs/pingone-contract.md §5). */
export function userOf(env: Environment, sub: unknown): Doc {
  if (typeof sub !== 'string' || !sub) {
    const message = 'login_hint_token must carry sub';
    throw refuse('login_hint_token', message, undefined, 'REQUIRED_VALUE');
  }
  const user = find(env, 'users', sub) ?? userNamed(env, sub);
  if (!user)
    throw refuse('login_hint_token', 'The user named by login_hint_token sub was not found');
  if (user.enabled === false)
    throw refuse('login_hint_token', 'The user is disabled', 'access_denied');
  return user;
}

const refuseObject = (target: string, message: string) =>
  refuse(target, message, 'invalid_request_object');

/** The transaction text (step 9) chosen by `pi.template` name, variant and the user's locale. */
export function smsTemplateOf(
  env: Environment,
  template: unknown,
  user: Doc | undefined,
): Flow['smsTemplate'] {
  if (template === undefined) return { content: DEFAULT_TRANSACTION_TEXT, variables: {} };
  if (!template || typeof template !== 'object')
    throw refuseObject('pi.template', 'pi.template must be an object');
  const t = template as Record<string, unknown>;
  const name = typeof t.name === 'string' ? t.name : 'transaction';
  if (!find(env, 'templates', name))
    throw refuseObject('pi.template.name', `No template named ${name}`);
  const variables: Record<string, string> = {};
  if (t.variables !== undefined) {
    if (!isObject(t.variables))
      throw refuseObject('pi.template.variables', 'pi.template.variables must be an object');
    for (const [k, v] of Object.entries(t.variables)) {
      if (typeof v !== 'string' && typeof v !== 'number')
        throw refuseObject(`pi.template.variables.${k}`, 'template variables must be strings');
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
    const message = `No SMS content of template ${name} has variant ${variant}`;
    throw refuseObject('pi.template.variant', message);
  }
  return {
    content: typeof content?.content === 'string' ? content.content : DEFAULT_TRANSACTION_TEXT,
    variables,
  };
}
