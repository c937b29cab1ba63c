import type { Request } from 'express';
import type {
  AuthorizeParams,
  AuthorizeResponse,
  CookieJar,
  PingOneFlow,
  VerifiedIdToken,
} from '../pingone/flow.js';
import type { FlowState, PendingTransfer, ResultState } from './session-state.js';

/** What finishFlow decided about PingOne's answer, told at each of its exits. */
export interface TokenVerdict {
  flow: FlowState;
  transfer: PendingTransfer;
  response: AuthorizeResponse;
  /** The token passed openid-client's checks (signature, iss, aud, exp, nonce, state). */
  claims?: VerifiedIdToken;
  /** openid-client refused the token (IdTokenRejectedError's reason). */
  rejected?: string;
  /** The authorization response carried another flow's `state`. */
  stateMismatch?: boolean;
  /** finishFlow's own refusal: the token does not name our user or our policy. */
  problem?: string;
}

/**
 * One thing that happened to an approval, told as it happens. The values are the live ones
 * (cookies, the code, the request JWT): a listener that keeps any of them must scrub them.
 */
export type ApprovalEvent =
  /** A flow is about to start: pi.flow's authorize call, or hosted mode's redirect. */
  | {
      kind: 'started';
      transfer: PendingTransfer;
      params: AuthorizeParams;
      responseMode: 'pi.flow' | 'query';
    }
  /** pi.flow's authorize answered (OTP_REQUIRED: the SMS is on its way) or failed. */
  | {
      kind: 'authorized';
      transfer: PendingTransfer;
      params: AuthorizeParams;
      flow?: PingOneFlow;
      cookies?: CookieJar;
      error?: unknown;
    }
  /** The code went to `otp.check`: accepted (the flow's new status), wrong, or the call failed. */
  | {
      kind: 'code-checked';
      flowId: string;
      otp: string;
      sent: CookieJar;
      transactionId: string;
      flow?: PingOneFlow;
      cookies?: CookieJar;
      error?: unknown;
    }
  | {
      kind: 'resumed';
      flowId: string;
      sent: CookieJar;
      response?: AuthorizeResponse;
      cookies?: CookieJar;
      error?: unknown;
    }
  /** Hosted mode: PingOne sent the browser back with a code. */
  | { kind: 'callback'; response: AuthorizeResponse }
  /** The token call answered (or failed), before the token's own checks are judged. */
  | {
      kind: 'token';
      code: string;
      codeVerifier: string;
      redirectUri: string;
      answer?: { status: number; body: Record<string, unknown> };
      error?: unknown;
    };

/**
 * The request an event happened in, as much of it as an observer may see: the session (which
 * carries the observer's own record, saved in the same write as the flow state) and the
 * request line.
 */
export interface ObservedRequest {
  session: Request['session'];
  /** `METHOD /path`, e.g. `POST /approvals/otp`. */
  line: string;
}

/**
 * What the approval core tells about an approval as it happens. The core defines this and
 * knows nothing of who listens (the inspector, when on); a listener must not throw.
 */
export interface ApprovalObserver {
  /** Started, SMS sent, code wrong or accepted, resumed, token answered. */
  tell(at: ObservedRequest, event: ApprovalEvent): Promise<void> | undefined;
  /** finishFlow's verdict on PingOne's answer, at each of its exits. */
  tokenChecked(at: ObservedRequest, verdict: TokenVerdict): void;
  /** settle(): the outcome, before the session is saved. */
  settled(at: ObservedRequest, transfer: PendingTransfer, result: ResultState): Promise<void>;
}

export function observedRequest(req: Request): ObservedRequest {
  return { session: req.session, line: `${req.method} ${req.path}` };
}

/**
 * Tells the observer, when there is one (nothing is built when there is none). The answer is
 * awaited where the observer may still be writing into the session about to be saved.
 */
export function observe(
  observer: ApprovalObserver | undefined,
  req: Request,
  event: () => ApprovalEvent,
): Promise<void> | undefined {
  return observer?.tell(observedRequest(req), event());
}
