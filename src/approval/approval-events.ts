import diagnostics_channel from 'node:diagnostics_channel';
import type { PingOneStep } from '../errors.js';
import type { VerifiedIdToken } from '../pingone/flow/token-client.js';
import type { PingOneError } from '../pingone/pingone-error.js';
import type { Outcome } from './session-state.js';

/**
 * What happened to one approval, published on the `approval.event` diagnostics channel as it
 * happens, like `pingone.call` (src/pingone/call-events.ts). Metadata only: no event carries the
 * code typed, the PKCE verifier, `state`, `nonce`, PingOne's cookies, the authorization code, the
 * request JWT or a token, so a subscriber has nothing to redact. The logs
 * (src/log-approval-event.ts), the inspector and the benchmark subscribe.
 *
 * In the order one approval meets them, with the workflow step each belongs to
 * (src/pingone/workflow-steps.ts):
 *
 *   started 16 → sms-sent 16 → code-wrong 17 (again, until locked) → code-accepted 17
 *   → resumed 18 → token-checked 19 → recorded → settled
 *
 * and `pingone-failed` at whichever numbered step PingOne failed or refused.
 */
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

/** The event of one kind, with its base: `EventOf<'settled'>`. */
export type EventOf<K extends EventBody['kind']> = Extract<ApprovalEvent, { kind: K }>;

/** Every event names the approval and the request it happened in. */
export interface EventBase {
  /** The app that published it (its PingOne client's id, as on `pingone.call`). */
  client: number;
  /** The transfer being approved; also the `X-Ping-External-Transaction-ID` of its calls. */
  transferId: string;
  /** The app's request id (`X-Request-Id`). */
  requestId: string | undefined;
}

/** The PingOne steps of one approval. */
export type ApprovalStep = 16 | 17 | 18 | 19;

/** Step 16 is about to go out: authorize from the server (pi.flow), or the browser's redirect (hosted). */
export interface Started {
  kind: 'started';
  step: 16;
  responseMode: 'pi.flow' | 'query';
  transfer: {
    amount: string;
    currency: string;
    payee: string;
    fromAccount: string;
    /** SHA-256 of the transfer, bound into the flow: re-checked before the code is sent. */
    hash: string;
  };
  /** The query parameters that are not per-flow secrets (`state`, `nonce`, the challenge). */
  authorize: {
    client_id: string;
    redirect_uri: string;
    scope: string;
    acr_values: string;
    max_age: number;
  };
  /** The signed request object, decoded (`pi.template` carries the SMS's variables); never the JWT. */
  requestObject: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

/** Step 16 answered `OTP_REQUIRED`: PingOne chose the user's SMS device and texted the code. */
export interface SmsSent {
  kind: 'sms-sent';
  step: 16;
  /** "•••• 0100". */
  maskedPhone?: string;
  /** When PingOne closes the flow, if it said so. */
  expiresAt?: string;
  /** PingOne's user id from the flow: the ID token's `sub` must be it. */
  userId?: string;
  /** The names of the cookies PingOne set, replayed on steps 17 and 18 (values never leave the session). */
  cookieNames: string[];
}

/** Step 17 refused the code; the same flow takes another one unless `locked`. */
export interface CodeWrong {
  kind: 'code-wrong';
  step: 17;
  attemptsLeft?: number;
  locked: boolean;
  /** PingOne's 400, or absent when it answered 200 and still wanted a code. */
  pingone?: PingOneFailure;
  audit: Audit;
}

/** Step 17 answered `COMPLETED`: PingOne accepted the code. */
export interface CodeAccepted {
  kind: 'code-accepted';
  step: 17;
  /** The completed flow already carried the authorization response: no resume call. */
  carriesResponse: boolean;
}

/**
 * Step 18: the authorization response is in hand, from resume (pi.flow), inside the completed
 * flow, or brought back by the browser to `/callback` (hosted).
 */
export interface Resumed {
  kind: 'resumed';
  step: 18;
  via: 'resume' | 'flow' | 'callback';
  /** PingOne echoed `state` (checked equal to ours; a mismatch ends the approval). */
  stateEchoed: boolean;
  iss?: string;
}

/** The checks that make an ID token evidence for this approval, in the order they run. */
export type TokenCheck = 'state' | 'openid-client' | 'sub' | 'acr' | 'auth_time';

/**
 * Step 19 and our checks: the code became tokens and the ID token was judged. openid-client
 * checks the signature, `iss`, `aud`, `exp`, `nonce` and `state`; we check `sub`, `acr` and
 * `auth_time` against the flow.
 */
export interface TokenChecked {
  kind: 'token-checked';
  step: 19;
  verdict: 'accepted' | 'rejected';
  failedCheck?: TokenCheck;
  /** Why, when rejected (openid-client's words or ours; never a token). */
  reason?: string;
  /** The validated claims that become the approval's evidence. */
  claims?: Omit<VerifiedIdToken, 'sid'>;
  /** What the claims had to say: `notBefore` is when the flow started (`auth_time`, less skew). */
  expected: {
    iss: string;
    aud: string;
    sub?: string;
    username: string;
    acr: string;
    notBefore: string;
  };
}

/** The approval record was written (`created`), or an earlier request had written it. */
export interface Recorded {
  kind: 'recorded';
  /** The new record's id (absent when the transfer was already recorded). */
  approvalId?: string;
  created: boolean;
  audit: Audit;
}

/**
 * A PingOne call of a numbered step failed. `transient` (down, slow, limiting): a 502/503 page
 * and nothing settled; otherwise `settled` follows.
 */
export interface PingOneFailed {
  kind: 'pingone-failed';
  step: ApprovalStep;
  /** The call that failed; `callback` is PingOne's error brought back by the browser (hosted). */
  call: PingOneStep | 'callback';
  transient: boolean;
  pingone: PingOneFailure;
}

/**
 * Why an approval ended as it did: a closed set, spelled as the `reason` label of
 * `txapproval_approvals_refused_total` and the alert rules spell it (docs/operations.md).
 */
export type SettleReason =
  /** Approved: the record was written by this request, or by an earlier one. */
  | 'recorded'
  | 'already_recorded'
  /** Declined: by the person on our code page, or at PingOne (hosted mode). */
  | 'cancelled'
  | 'declined_at_pingone'
  /** Too many wrong codes (PingOne's count, or our own bound). */
  | 'locked'
  /** PingOne forgot the flow, or the code ran out. */
  | 'flow_expired'
  | 'code_expired'
  /** PingOne refused a call, or answered a status the flow does not allow. */
  | 'pingone_refused'
  | 'unexpected_status'
  /** The authorization response carried another flow's `state`. */
  | 'answer_mismatch'
  /** The ID token failed openid-client's checks or ours. */
  | 'token_rejected'
  /** The approval could not be recorded: the request answers 503 and nothing is approved. */
  | 'store_failure';

/** The approval ended; the result page shows it. */
export interface Settled {
  kind: 'settled';
  outcome: Outcome;
  reason: SettleReason;
  /** The PingOne step it ended at, where one did. */
  step?: ApprovalStep;
  pingoneErrorId?: string;
  /** `unexpected-status`: the flow status PingOne answered. */
  flowStatus?: string;
}

/**
 * What PingOne said when a call failed: its codes and error id. Never its free text (`message`,
 * `details[].message`): an upstream or a proxy may echo in it what it was sent, the code typed
 * or the client secret.
 */
export interface PingOneFailure {
  status?: number;
  code: string;
  /** The first `details[].code` (`INVALID_OTP`, `QUOTA_EXCEEDED`). */
  detail?: string;
  pingoneErrorId?: string;
  details?: Array<{ code?: string; target?: string }>;
}

/** Who sent the request (src/http/audit-fields.ts), on the audit trail's two events. */
export interface Audit {
  clientAddress: string | undefined;
  userAgent: string | undefined;
}

export const APPROVAL_CHANNEL = 'approval.event';
const channel = diagnostics_channel.channel(APPROVAL_CHANNEL);

/** Publishes `build()`'s event with its base; nothing is built when nobody listens. */
export function publishApproval(base: EventBase, build: () => EventBody): void {
  if (channel.hasSubscribers) channel.publish({ ...base, ...build() });
}

/**
 * Calls `listener` for every approval event of `client` (every client's when undefined) until
 * `signal` aborts. A listener's throw is swallowed: Node would rethrow it as an uncaught
 * exception, and watching an approval must never fail it or the process.
 */
export function onApprovalEvent(
  client: number | undefined,
  listener: (event: ApprovalEvent) => void,
  signal?: AbortSignal,
): () => void {
  const handler = (message: unknown) => {
    const event = message as ApprovalEvent;
    if (client !== undefined && event.client !== client) return;
    try {
      listener(event);
    } catch {
      // A subscriber's problem, not the approval's.
    }
  };
  const unsubscribe = () => void diagnostics_channel.unsubscribe(APPROVAL_CHANNEL, handler);
  if (signal?.aborted) return unsubscribe;
  diagnostics_channel.subscribe(APPROVAL_CHANNEL, handler);
  signal?.addEventListener('abort', unsubscribe, { once: true });
  return unsubscribe;
}

/** What PingOne said, from its error: status, codes, error id and the details' codes. */
export function pingoneFailure(error: PingOneError): PingOneFailure {
  const out: PingOneFailure = { code: error.code };
  if (error.status !== undefined) out.status = error.status;
  const detail = error.details.find((d) => d.code)?.code;
  if (detail) out.detail = detail;
  if (error.pingoneErrorId) out.pingoneErrorId = error.pingoneErrorId;
  if (error.details.length) {
    out.details = error.details.map(({ code, target }) => ({
      ...(code && { code }),
      ...(target && { target }),
    }));
  }
  return out;
}
