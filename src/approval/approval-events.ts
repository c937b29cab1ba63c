import diagnostics_channel from 'node:diagnostics_channel';
import type { PingOneStep } from '../errors.js';
import type { auditFields } from '../http/audit-fields.js';
import { onChannel } from '../pingone/call-events.js';
import type { VerifiedIdToken } from '../pingone/flow/token-client.js';
import type { PingOneError } from '../pingone/pingone-error.js';
import type { FlowState, Outcome, PendingTransfer } from './session-state.js';

// The `approval.event` channel: what each kind carries, and why none carries a secret, is in
// src/approval/README.md.
export type ApprovalEvent = EventBase & EventBody;

export type EventBody =
  | Started
  | SmsSent
  | CodeWrong
  | CodeAccepted
  | Resumed
  | TokenChecked
  | Recorded
  | PingOneFailed
  | Settled;

export type EventOf<K extends EventBody['kind']> = Extract<ApprovalEvent, { kind: K }>;

/** `client`: the app's PingOne client id, as on `pingone.call`. */
type EventBase = { client: number; transferId: string; requestId: string | undefined };

export type ApprovalStep = 16 | 17 | 18 | 19;

export interface Started {
  kind: 'started';
  step: 16;
  responseMode: 'pi.flow' | 'query';
  transfer: Pick<PendingTransfer, 'amount' | 'currency' | 'payee' | 'fromAccount' | 'hash'>;
  /** The query parameters that are not per-flow secrets (`state`, `nonce`, the challenge). */
  authorize: Record<'client_id' | 'redirect_uri' | 'scope' | 'acr_values', string> & {
    max_age: number;
  };
  /** Decoded; never the JWT. */
  requestObject: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

export interface SmsSent extends Partial<Pick<FlowState, 'maskedPhone' | 'expiresAt' | 'userId'>> {
  kind: 'sms-sent';
  step: 16;
  /** Names only: the values never leave the session. */
  cookieNames: string[];
}

interface CodeWrong {
  kind: 'code-wrong';
  step: 17;
  attemptsLeft?: number;
  locked: boolean;
  /** Absent when PingOne answered 200 and still wanted a code. */
  pingone?: PingOneFailure;
  audit: Audit;
}

type CodeAccepted = { kind: 'code-accepted'; step: 17; carriesResponse: boolean };

export interface Resumed {
  kind: 'resumed';
  step: 18;
  via: 'resume' | 'flow' | 'callback';
  stateEchoed: boolean;
  iss?: string;
}

export type TokenCheck = 'state' | 'openid-client' | 'sub' | 'acr' | 'auth_time';

export interface TokenChecked {
  kind: 'token-checked';
  step: 19;
  verdict: 'accepted' | 'rejected';
  failedCheck?: TokenCheck;
  reason?: string;
  claims?: Omit<VerifiedIdToken, 'sid'>;
  /** `notBefore`: when the flow started, the earliest `auth_time` allowed (less skew). */
  expected: Record<'iss' | 'aud' | 'username' | 'acr' | 'notBefore', string> & { sub?: string };
}

type Recorded = { kind: 'recorded'; approvalId?: string; created: boolean; audit: Audit };

/** `transient` (down, slow, limiting): a 502/503 page and nothing settled. */
export interface PingOneFailed {
  kind: 'pingone-failed';
  step: ApprovalStep;
  /** `callback`: PingOne's error brought back by the browser (hosted). */
  call: PingOneStep | 'callback';
  transient: boolean;
  pingone: PingOneFailure;
}

/** Spelled as the `reason` label of `txapproval_approvals_refused_total` (docs/operations.md). */
export type SettleReason =
  | 'recorded'
  | 'already_recorded'
  | 'cancelled'
  | 'declined_at_pingone'
  | 'locked'
  | 'flow_expired'
  | 'code_expired'
  | 'pingone_refused'
  | 'unexpected_status'
  | 'answer_mismatch'
  | 'token_rejected'
  | 'store_failure';

export interface Settled {
  kind: 'settled';
  outcome: Outcome;
  reason: SettleReason;
  step?: ApprovalStep;
  pingoneErrorId?: string;
  flowStatus?: string;
}

/**
 * Never PingOne's free text (`message`, `details[].message`): an upstream or a proxy may echo in
 * it what it was sent, the code typed or the client secret.
 */
export interface PingOneFailure {
  status?: number;
  code: string;
  /** The first `details[].code`. */
  detail?: string;
  pingoneErrorId?: string;
  details?: Array<{ code?: string; target?: string }>;
}

type Audit = ReturnType<typeof auditFields>;

export const APPROVAL_CHANNEL = 'approval.event';
const channel = diagnostics_channel.channel(APPROVAL_CHANNEL);

export function publishApproval(base: EventBase, build: () => EventBody): void {
  if (channel.hasSubscribers) channel.publish({ ...base, ...build() });
}

/** Every approval event of `client` (all clients' when undefined) until `signal` aborts. */
export const onApprovalEvent = (
  client: number | undefined,
  listener: (event: ApprovalEvent) => void,
  signal?: AbortSignal,
) => onChannel(APPROVAL_CHANNEL, client, listener, signal);

export function pingoneFailure(error: PingOneError): PingOneFailure {
  const detail = error.details.find((d) => d.code)?.code;
  return {
    ...(error.status !== undefined && { status: error.status }),
    code: error.code,
    ...(detail && { detail }),
    ...(error.pingoneErrorId && { pingoneErrorId: error.pingoneErrorId }),
    ...(error.details.length > 0 && {
      details: error.details.map(({ code, target }) => ({
        ...(code && { code }),
        ...(target && { target }),
      })),
    }),
  };
}
