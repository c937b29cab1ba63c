import { randomBytes, randomUUID } from 'node:crypto';
import { CODE_LIFETIME_MS, FLOW_COOKIE_NAMES } from './constants.js';

/** LOOKUP: who signs on, by username only (user.lookup); PASSWORD: usernamePassword.check. */
export type FlowStep = 'LOOKUP' | 'PASSWORD' | 'MFA';

/** One authorize request in progress: what PingOne keeps server-side behind the flow id. */
export interface Flow {
  id: string;
  environmentId: string;
  applicationId: string;
  mode: 'pi.flow' | 'query';
  status:
    'SIGN_ON_REQUIRED' | 'USERNAME_PASSWORD_REQUIRED' | 'OTP_REQUIRED' | 'COMPLETED' | 'FAILED';
  pending: FlowStep[];
  policy: { name: string; mfaActionId?: string };
  userId?: string;
  /** redirect_uri as sent to authorize (undefined when absent) and as used for redirects. */
  redirectUriSent?: string;
  redirectUri?: string;
  state?: string;
  nonce?: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** The SMS text with `${…}` placeholders, variables, resolved at authorize. */
  smsTemplate: { content: string; variables: Record<string, string> };
  expiresAt: number;
  cookies: Record<(typeof FLOW_COOKIE_NAMES)[number], string>;
  otp?: { value: string; deviceId: string; expiresAt: number; remaining: number };
  amr: string[];
  authTime?: number;
  sid: string;
  failure?: { error: string; description: string };
  code?: string;
}

/** An authorization code (single use, CODE_LIFETIME_MS): the completed flow it was issued for. */
interface AuthCode {
  flow: Flow;
  expiresAt: number;
  used: boolean;
}

export type FlowRegistry = ReturnType<typeof createFlowRegistry>;

const randomToken = (): string => randomBytes(24).toString('base64url');

export function newFlowCookies(): Flow['cookies'] {
  return { ST: randomToken(), 'ST-NO-SS': randomToken() };
}

export function createFlowRegistry(clock: { now(): number }) {
  const flows = new Map<string, Flow>();
  const codes = new Map<string, AuthCode>();
  return {
    add(flow: Flow): void {
      const now = clock.now();
      for (const [id, f] of flows) if (f.expiresAt <= now) flows.delete(id);
      for (const [c, a] of codes) if (a.expiresAt <= now) codes.delete(c);
      flows.set(flow.id, flow);
    },
    get(environmentId: string, id: string): Flow | undefined {
      const flow = flows.get(id);
      if (!flow || flow.environmentId !== environmentId) return undefined;
      if (flow.expiresAt > clock.now()) return flow;
      flows.delete(id);
    },
    /** Gives the flow a new id (variant `flowIdRotation`); the old id is gone. */
    rekey(flow: Flow): void {
      flows.delete(flow.id);
      flow.id = randomUUID();
      flows.set(flow.id, flow);
    },
    remove(flow: Flow): void {
      flows.delete(flow.id);
    },
    issueCode(flow: Flow): string {
      if (flow.code) return flow.code;
      const code = randomUUID();
      codes.set(code, { flow, expiresAt: clock.now() + CODE_LIFETIME_MS, used: false });
      flow.code = code;
      return code;
    },
    code(code: string): AuthCode | undefined {
      const found = codes.get(code);
      return found && found.expiresAt > clock.now() ? found : undefined;
    },
  };
}
