import { SSO_SESSION_LIFETIME_MS } from './constants.js';
import type { Flow } from './flow-registry.js';

export type SsoSessions = ReturnType<typeof createSsoSessions>;

/** Sign-on sessions: each the completed flow that authenticated the person, until it expires. */
export function createSsoSessions(clock: { now(): number }) {
  const sessions = new Map<string, { flow: Flow; expiresAt: number }>();
  return {
    /** A completed flow's ST cookie is PingOne's session token: the session, new or carried on, is filed under it. */
    open(token: string, flow: Flow): void {
      const now = clock.now();
      for (const [t, s] of sessions) if (s.expiresAt <= now) sessions.delete(t);
      if (flow.userId === undefined || flow.authTime === undefined) return;
      // Counted from the authentication: carrying a session on does not make it younger.
      sessions.set(token, { flow, expiresAt: flow.authTime + SSO_SESSION_LIFETIME_MS });
    },
    /** The flow that opened the session, which has its user and authentication time. */
    find(environmentId: string, token: string | undefined): Flow | undefined {
      const session = token === undefined ? undefined : sessions.get(token);
      if (!session || session.flow.environmentId !== environmentId) return undefined;
      return session.expiresAt > clock.now() ? session.flow : undefined;
    },
  };
}
