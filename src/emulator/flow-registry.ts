import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from './context.js';
import { CODE_LIFETIME_MS, FLOW_COOKIE_NAMES, FLOW_LIFETIME_MS } from './constants.js';

export type FlowStatus =
  'SIGN_ON_REQUIRED' | 'USERNAME_PASSWORD_REQUIRED' | 'OTP_REQUIRED' | 'COMPLETED' | 'FAILED';

/** LOOKUP: who signs on, by username only (user.lookup); PASSWORD: usernamePassword.check. */
export type FlowStep = 'LOOKUP' | 'PASSWORD' | 'MFA';

export type FlowCookies = Record<(typeof FLOW_COOKIE_NAMES)[number], string>;

/** One authorize request in progress: what PingOne keeps server-side behind the flow id. */
export interface Flow {
  id: string;
  environmentId: string;
  applicationId: string;
  mode: 'pi.flow' | 'query';
  status: FlowStatus;
  pending: FlowStep[];
  policy: { id: string; name: string; mfaActionId?: string };
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
  createdAt: number;
  expiresAt: number;
  cookies: FlowCookies;
  otp?: { value: string; deviceId: string; expiresAt: number; remaining: number };
  amr: string[];
  authTime?: number;
  sid: string;
  failure?: { error: string; description: string };
  /** Set once COMPLETED and a code was issued. */
  code?: string;
}

/** What an authorization code stands for (single use, CODE_LIFETIME_MS). */
export interface AuthCode {
  code: string;
  environmentId: string;
  applicationId: string;
  userId: string;
  redirectUriSent?: string;
  nonce?: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  acr: string;
  amr: string[];
  authTime: number;
  sid: string;
  expiresAt: number;
  used: boolean;
}

export interface FlowRegistry {
  add(flow: Flow): void;
  /** The live flow, or undefined when unknown, of another environment, or past its lifetime. */
  get(environmentId: string, id: string): Flow | undefined;
  /** Gives the flow a new id (variant `flowIdRotation`); the old id is gone. */
  rekey(flow: Flow): void;
  remove(flow: Flow): void;
  issueCode(flow: Flow): string;
  code(code: string): AuthCode | undefined;
}

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

export function newFlowCookies(): FlowCookies {
  return { ST: randomToken(), 'ST-NO-SS': randomToken() };
}

export function newFlowTimes(clock: Clock): { createdAt: number; expiresAt: number } {
  const createdAt = clock.now();
  return { createdAt, expiresAt: createdAt + FLOW_LIFETIME_MS };
}

export function createFlowRegistry(clock: Clock): FlowRegistry {
  const flows = new Map<string, Flow>();
  const codes = new Map<string, AuthCode>();
  const sweep = (): void => {
    const now = clock.now();
    for (const [id, f] of flows) if (f.expiresAt <= now) flows.delete(id);
    for (const [c, a] of codes) if (a.expiresAt <= now) codes.delete(c);
  };
  return {
    add(flow) {
      sweep();
      flows.set(flow.id, flow);
    },
    get(environmentId, id) {
      const flow = flows.get(id);
      if (!flow || flow.environmentId !== environmentId) return undefined;
      if (flow.expiresAt <= clock.now()) {
        flows.delete(id);
        return undefined;
      }
      return flow;
    },
    rekey(flow) {
      flows.delete(flow.id);
      flow.id = randomUUID();
      flows.set(flow.id, flow);
    },
    remove(flow) {
      flows.delete(flow.id);
    },
    issueCode(flow) {
      if (flow.code) return flow.code;
      const code = randomUUID();
      codes.set(code, {
        code,
        environmentId: flow.environmentId,
        applicationId: flow.applicationId,
        userId: flow.userId!,
        redirectUriSent: flow.redirectUriSent,
        nonce: flow.nonce,
        scope: flow.scope,
        codeChallenge: flow.codeChallenge,
        codeChallengeMethod: flow.codeChallengeMethod,
        acr: flow.policy.name,
        amr: [...flow.amr],
        authTime: flow.authTime ?? clock.now(),
        sid: flow.sid,
        expiresAt: clock.now() + CODE_LIFETIME_MS,
        used: false,
      });
      flow.code = code;
      return code;
    },
    code(code) {
      const found = codes.get(code);
      if (!found || found.expiresAt <= clock.now()) return undefined;
      return found;
    },
  };
}
