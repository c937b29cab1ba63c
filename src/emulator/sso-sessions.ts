import type { Clock } from './clock.js';
import { SSO_SESSION_LIFETIME_MS } from './constants.js';
import type { Flow } from './flow-registry.js';

/** A person's sign-on at PingOne, which later authorize requests may be answered from. */
export interface SsoSession {
  sid: string;
  environmentId: string;
  userId: string;
  /** When the person last authenticated (ms): what the ID token's `auth_time` says. */
  authTime: number;
  amr: string[];
  expiresAt: number;
}

export interface SsoSessions {
  /**
   * A completed flow's cookies are the session's from then on (ST is PingOne's session token):
   * registers the flow's session, new or carried on, under the value the client now holds.
   */
  open(token: string, flow: Flow): void;
  find(environmentId: string, token: string | undefined): SsoSession | undefined;
}

export function createSsoSessions(clock: Clock): SsoSessions {
  const sessions = new Map<string, SsoSession>();
  return {
    open(token, flow) {
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
    find(environmentId, token) {
      const session = token === undefined ? undefined : sessions.get(token);
      if (!session || session.environmentId !== environmentId) return undefined;
      return session.expiresAt > clock.now() ? session : undefined;
    },
  };
}
