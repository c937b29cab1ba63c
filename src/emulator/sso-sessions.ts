import type { Request } from 'express';
import { SSO_SESSION_COOKIE, SSO_SESSION_LIFETIME_MS } from './constants.js';
import type { Clock, Context } from './context.js';
import type { Flow } from './flow-registry.js';
import { parseCookies } from './flow-http.js';
import { find, type Doc, type Environment } from './store.js';

export interface SsoSession {
  sid: string;
  environmentId: string;
  userId: string;
  /** When the person last authenticated (ms): the ID token's `auth_time`. */
  authTime: number;
  amr: string[];
  expiresAt: number;
}

export type SsoSessions = ReturnType<typeof createSsoSessions>;

export function createSsoSessions(clock: Clock) {
  const sessions = new Map<string, SsoSession>();
  return {
    /** A completed flow's ST cookie is PingOne's session token: the session, new or carried on, is filed under it. */
    open(token: string, flow: Flow): void {
      const now = clock.now();
      for (const [t, s] of sessions) if (s.expiresAt <= now) sessions.delete(t);
      if (flow.userId === undefined || flow.authTime === undefined) return;
      sessions.set(token, {
        sid: flow.sid,
        environmentId: flow.environmentId,
        userId: flow.userId,
        authTime: flow.authTime,
        amr: [...flow.amr],
        // Counted from the authentication: carrying a session on does not make it younger.
        expiresAt: flow.authTime + SSO_SESSION_LIFETIME_MS,
      });
    },
    find(environmentId: string, token: string | undefined): SsoSession | undefined {
      const session = token === undefined ? undefined : sessions.get(token);
      if (!session || session.environmentId !== environmentId) return undefined;
      return session.expiresAt > clock.now() ? session : undefined;
    },
  };
}

/**
 * The session the browser's ST cookie names, of the hinted user if any, unless the request asks
 * for a new authentication (OIDC Core §3.1.2.1: `prompt=login`, or a `max_age` the session is
 * older than; `max_age=0` always). Variant `ignoreReauthentication`: a tenant that does not.
 */
export function reusableSession(
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
