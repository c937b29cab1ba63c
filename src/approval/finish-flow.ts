import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { auditFields } from '../http/audit-fields.js';
import { IdTokenRejectedError, type VerifiedIdToken } from '../pingone/flow/token-client.js';
import { type AuthorizeResponse } from '../pingone/flow/flow-client.js';
import { PingOneError } from '../pingone/pingone-error.js';
import { tell, type ApprovalContext } from './approval-context.js';
import type { TokenCheck, TokenChecked } from './approval-events.js';
import type { ApprovalRecord } from './approval-store.js';
import { freshnessProblem, MAX_AGE_SECONDS } from './freshness.js';
import { pingoneFailed } from './outcome.js';
import type { FlowState, PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

type Failed = { check: TokenCheck; reason: string };

/** Why an ID token that passed openid-client's checks is still not evidence for this approval. */
function ourCheck(expected: TokenChecked['expected'], claims: VerifiedIdToken): Failed | undefined {
  const username = claims.preferred_username;
  if (expected.sub) {
    if (claims.sub !== expected.sub)
      return { check: 'sub', reason: `sub ${claims.sub} is not the user of this flow` };
  } else if (username === undefined) {
    const reason = 'the subject cannot be tied to the configured user (no user id known)';
    return { check: 'sub', reason };
  } else if (username.toLowerCase() !== expected.username.toLowerCase()) {
    return { check: 'sub', reason: 'preferred_username is not the configured user' };
  }
  if (claims.acr !== expected.acr) {
    const reason = `acr ${claims.acr ?? '(none)'} is not the policy ${expected.acr}`;
    return { check: 'acr', reason };
  }
  const stale = freshnessProblem(expected.notBefore, claims.auth_time);
  return stale ? { check: 'auth_time', reason: stale } : undefined;
}

/**
 * Step 19 and what makes it evidence: exchange the code, let openid-client validate the ID token,
 * check that it names our user, our MFA policy and an authentication made for this flow, and only
 * then record the approval, once per transfer.
 */
export async function finishFlow(
  ctx: ApprovalContext,
  req: Request,
  flow: FlowState,
  transfer: PendingTransfer,
  response: AuthorizeResponse,
): Promise<void> {
  const sub = flow.userId ?? ctx.userId;
  const expected: TokenChecked['expected'] = {
    iss: ctx.urls.issuer,
    aud: ctx.settings.clientId,
    username: ctx.settings.username,
    acr: ctx.settings.policyName,
    notBefore: flow.startedAt,
    ...(sub && { sub }),
  };
  const checked = (claims?: TokenChecked['claims'], failed?: Failed) =>
    tell(ctx, req, transfer.id, () => ({
      kind: 'token-checked',
      step: 19,
      verdict: failed ? 'rejected' : 'accepted',
      ...(failed && { failedCheck: failed.check, reason: failed.reason }),
      expected,
      ...(claims && { claims }),
    }));
  const refuse = async (failed: Failed, claims?: TokenChecked['claims']) => {
    checked(claims, failed);
    const mismatch = failed.check === 'state';
    await settle(ctx, req, transfer, 'failed', {
      reason: mismatch ? 'answer_mismatch' : 'token_rejected',
      step: mismatch ? 18 : 19,
    });
  };

  // `state` is echoed by some PingOne answers and not others (docs/pingone-contract.md §9): checked when present.
  if (response.state !== undefined && response.state !== flow.state)
    return refuse({ check: 'state', reason: 'the answer carried another flow’s state' });
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
      needUsername: expected.sub === undefined,
      maxAge: MAX_AGE_SECONDS,
    });
  } catch (error) {
    if (error instanceof IdTokenRejectedError)
      return refuse({ check: 'openid-client', reason: error.reason });
    const side =
      error instanceof PingOneError && (error.step === 'discovery' || error.step === 'userinfo');
    return pingoneFailed(ctx, req, transfer, side ? error.step : 'token', error);
  }
  const { sid, ...shown } = claims;
  const problem = ourCheck(expected, claims);
  if (problem) return refuse(problem, shown);

  checked(shown);
  const { preferred_username: _username, auth_time, ...evidence } = shown;
  const record: ApprovalRecord = {
    transferId: transfer.id,
    approvalId: randomUUID(),
    amount: transfer.amount,
    currency: transfer.currency,
    payee: transfer.payee,
    fromAccount: transfer.fromAccount,
    transferHash: transfer.hash,
    approvedAt: ctx.now().toISOString(),
    evidence: {
      ...evidence,
      ...(auth_time !== undefined && { authTime: auth_time }),
      ...(sid && { sid }),
    },
  };
  const created = await ctx.approvals.createIfAbsent(record).catch((error: unknown) => {
    tell(ctx, req, transfer.id, () => ({
      kind: 'settled',
      outcome: 'failed',
      reason: 'store_failure',
    }));
    throw error;
  });
  tell(ctx, req, transfer.id, () => ({
    kind: 'recorded',
    created,
    audit: auditFields(req),
    ...(created && { approvalId: record.approvalId }),
  }));
  await settle(ctx, req, transfer, created ? 'approved' : 'already-approved', {
    reason: created ? 'recorded' : 'already_recorded',
  });
}
