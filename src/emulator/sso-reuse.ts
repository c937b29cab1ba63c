import type { Request } from 'express';
import { SSO_SESSION_COOKIE } from './constants.js';
import type { Context } from './context.js';
import { parseCookies } from './flow-http.js';
import type { SsoSession } from './sso-sessions.js';
import { find, type Doc, type Environment } from './store.js';

/** The authorize parameters that ask for a new authentication (after the request object's). */
export interface FreshnessParams {
  prompt?: string | undefined;
  max_age?: string | undefined;
}

/**
 * OpenID Connect Core §3.1.2.1: `prompt=login` asks for a new authentication; so does a
 * `max_age` the session is older than, and `max_age=0` always (the spec's errata: it equals
 * `prompt=login`).
 */
function wantsNewAuthentication(params: FreshnessParams, session: SsoSession, now: number) {
  if ((params.prompt ?? '').split(/\s+/).includes('login')) return true;
  if (params.max_age === undefined) return false;
  const maxAgeMs = Number(params.max_age) * 1000;
  return maxAgeMs === 0 || now - session.authTime > maxAgeMs;
}

/**
 * The SSO session an authorize request may be answered from without a new sign-on: the one the
 * browser's ST cookie names, of the user the login hint names (if it names one), unless the
 * request asks for a new authentication (variant `ignoreReauthentication`: a tenant that does
 * not honour it).
 */
export function reusableSession(
  ctx: Context,
  req: Request,
  env: Environment,
  params: FreshnessParams,
  hintedUser: Doc | undefined,
): SsoSession | undefined {
  const session = ctx.sessions.find(env.id, parseCookies(req.get('cookie'))[SSO_SESSION_COOKIE]);
  if (!session || (hintedUser && hintedUser.id !== session.userId)) return undefined;
  // A user deleted or disabled since signs on again (and is refused there).
  const user = find(env, 'users', session.userId);
  if (!user || user.enabled === false) return undefined;
  const honoured = !ctx.variants.ignoreReauthentication;
  if (honoured && wantsNewAuthentication(params, session, ctx.clock.now())) return undefined;
  return session;
}
