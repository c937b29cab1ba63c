import { refuse } from './authorize-error.js';
import { find, list, type Doc, type Environment } from './store.js';

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

/** The app's secrets a request JWT may be signed with: the current one and an unexpired previous. */
export function secretsOf(env: Environment, app: Doc, now: number): string[] {
  const s = env.secrets.get(app.id);
  if (!s) return [];
  const previous = s.previous && Date.parse(s.previous.expiresAt) > now ? [s.previous.secret] : [];
  return [s.secret, ...previous];
}

/** Every requested scope must be granted to the application (step 5). */
export function checkScopes(env: Environment, app: Doc, scope: string | undefined): string {
  const requested = (scope ?? '').split(/\s+/).filter(Boolean);
  if (!requested.includes('openid'))
    throw refuse('scope', 'scope must include openid', 'invalid_scope');
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
  if (missing.length) {
    const message = `Scopes not granted to the application: ${missing.join(' ')}`;
    throw refuse('scope', message, 'invalid_scope');
  }
  return requested.join(' ');
}

/** The app's `pkceEnforcement` (step 1): OPTIONAL, REQUIRED, S256_REQUIRED. */
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
