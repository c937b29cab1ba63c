import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { ApprovalRecord } from './approval-store.js';
import {
  IdTokenRejectedError,
  type AuthorizeResponse,
  type VerifiedIdToken,
} from '../pingone/flow.js';
import { isPingOneError } from '../pingone/http.js';
import { auditFields } from '../http/audit-fields.js';
import type { PingOneStep } from '../errors.js';
import type { ApprovalContext } from './approval-context.js';
import { observe, observedRequest, type TokenVerdict } from './approval-observer.js';
import { freshnessProblem, MAX_AGE_SECONDS } from './freshness.js';
import { triageFailure } from './outcome.js';
import type { FlowState, PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

/** Why an ID token that passed openid-client's checks is still not evidence for this approval. */
function subjectProblem(
  ctx: ApprovalContext,
  flow: FlowState,
  claims: VerifiedIdToken,
): string | undefined {
  const expectedSub = flow.userId ?? ctx.userId;
  if (expectedSub) {
    if (claims.sub !== expectedSub) return `sub ${claims.sub} is not the user of this flow`;
  } else if (claims.preferred_username !== undefined) {
    if (claims.preferred_username.toLowerCase() !== ctx.settings.username.toLowerCase()) {
      return 'preferred_username is not the configured user';
    }
  } else {
    return 'the subject cannot be tied to the configured user (no user id known)';
  }
  if (claims.acr !== ctx.settings.policyName) {
    return `acr ${claims.acr ?? '(none)'} is not the policy ${ctx.settings.policyName}`;
  }
  return undefined;
}

/**
 * The authorization response is in hand: exchange the code, validate the ID token, check that
 * it names our user and our MFA policy and an authentication made for this flow, and only then
 * record the approval, once per transfer.
 */
export async function finishFlow(
  ctx: ApprovalContext,
  req: Request,
  flow: FlowState,
  transfer: PendingTransfer,
  response: AuthorizeResponse,
): Promise<void> {
  const log = { transferId: transfer.id };
  const inspect = (verdict: Omit<TokenVerdict, 'flow' | 'transfer' | 'response'>) =>
    ctx.observer?.tokenChecked(observedRequest(req), { flow, transfer, response, ...verdict });
  // `state` is echoed by some PingOne answers and not others (docs/pingone-contract.md §9): checked when present.
  if (response.state !== undefined && response.state !== flow.state) {
    req.log.warn(
      { ...log, event: 'flow.state_mismatch' },
      'state in the authorization response does not match',
    );
    inspect({ stateMismatch: true });
    await settle(ctx, req, transfer, 'failed', {
      reason: 'The answer from PingOne did not belong to this approval.',
    });
    return;
  }

  const told = {
    kind: 'token',
    code: response.code,
    codeVerifier: flow.codeVerifier,
    redirectUri: flow.redirectUri,
  } as const;
  let answer: { status: number; body: Record<string, unknown> } | undefined;
  let claims: VerifiedIdToken;
  try {
    claims = await ctx.tokens.exchange({
      response,
      state: flow.state,
      nonce: flow.nonce,
      codeVerifier: flow.codeVerifier,
      redirectUri: flow.redirectUri,
      transactionId: transfer.id,
      requestId: req.id,
      needUsername: !(flow.userId ?? ctx.userId),
      maxAge: MAX_AGE_SECONDS,
      // Read only for an observer (the inspector decodes it); never kept.
      ...(ctx.observer && { onTokenResponse: (status, body) => (answer = { status, body }) }),
    });
    observe(ctx.observer, req, () => ({ ...told, ...(answer && { answer }) }));
  } catch (error) {
    // A token that failed our checks came with a 200: the token call itself went well.
    observe(ctx.observer, req, () => ({
      ...told,
      ...(answer && { answer }),
      ...(error instanceof IdTokenRejectedError ? {} : { error }),
    }));
    if (error instanceof IdTokenRejectedError) {
      req.log.warn({ ...log, reason: error.reason, event: 'token.rejected' }, 'ID token rejected');
      inspect({ rejected: error.reason });
      await settle(ctx, req, transfer, 'failed', {
        reason: 'PingOne’s answer did not pass our checks.',
      });
      return;
    }
    if (!isPingOneError(error)) throw error;
    req.log.warn({ ...log, err: error, event: 'token.failed' }, 'token exchange failed');
    const step: PingOneStep =
      error.step === 'discovery' || error.step === 'userinfo' ? error.step : 'token';
    const failure = triageFailure(step, error);
    if (failure.kind === 'unavailable') throw failure.error;
    await settle(ctx, req, transfer, failure.kind, {
      reason: 'PingOne did not issue tokens for this approval.',
      pingoneErrorId: error.pingoneErrorId,
    });
    return;
  }

  const problem =
    subjectProblem(ctx, flow, claims) ?? freshnessProblem(flow.startedAt, claims.auth_time);
  if (problem) {
    req.log.warn({ ...log, reason: problem, event: 'token.rejected' }, 'ID token rejected');
    inspect({ claims, problem });
    await settle(ctx, req, transfer, 'failed', {
      reason: 'PingOne’s answer did not pass our checks.',
    });
    return;
  }

  inspect({ claims });
  const record: ApprovalRecord = {
    transferId: transfer.id,
    approvalId: randomUUID(),
    amount: transfer.amount,
    currency: transfer.currency,
    payee: transfer.payee,
    fromAccount: transfer.fromAccount,
    transferHash: transfer.hash,
    approvedAt: ctx.now().toISOString(),
    evidence: { sub: claims.sub, iss: claims.iss, aud: claims.aud },
  };
  if (claims.acr) record.evidence.acr = claims.acr;
  if (claims.amr) record.evidence.amr = claims.amr;
  if (claims.auth_time !== undefined) record.evidence.authTime = claims.auth_time;
  if (claims.sid) record.evidence.sid = claims.sid;
  if (claims.jti) record.evidence.jti = claims.jti;
  if (claims.idTokenSha256) record.evidence.idTokenSha256 = claims.idTokenSha256;
  const created = await ctx.approvals.createIfAbsent(record);
  req.log.info(
    {
      ...log,
      approvalId: record.approvalId,
      created,
      ...auditFields(req),
      event: 'approval.recorded',
    },
    created ? 'approval recorded' : 'transfer was already approved',
  );
  await settle(ctx, req, transfer, created ? 'approved' : 'already-approved');
}
