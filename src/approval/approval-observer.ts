import type { Request } from 'express';
import type { AuthorizeResponse, VerifiedIdToken } from '../pingone/flow.js';
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
  /** finishFlow's verdict on PingOne's answer, at each of its exits. */
  tokenChecked(at: ObservedRequest, verdict: TokenVerdict): void;
  /** settle(): the outcome, before the session is saved. */
  settled(at: ObservedRequest, transfer: PendingTransfer, result: ResultState): Promise<void>;
}

export function observedRequest(req: Request): ObservedRequest {
  return { session: req.session, line: `${req.method} ${req.path}` };
}
