import { SSO_SESSION_LIFETIME_MS } from './constants.js';
import type { Flow } from './flow-registry.js';

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

export function createSsoSessions(clock: { now(): number }) {
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
