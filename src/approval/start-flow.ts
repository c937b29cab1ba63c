import { createHash } from 'node:crypto';
import { observe } from './approval-observer.js';
import * as oidc from 'openid-client';
import type { Request } from 'express';
import { isPingOneError } from '../pingone/http.js';
import { FLOW_STATUS, type FlowStep } from '../pingone/flow.js';
import type { ApprovalContext } from './approval-context.js';
import { triageFailure } from './outcome.js';
import { MAX_AGE_SECONDS } from './freshness.js';
import { maskPhone, phoneOf } from './phone.js';
import { buildRequestJwt } from './request-jwt.js';
import { saveSession, storeFlow, type FlowState, type PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

/**
 * Starts a PingOne flow for the session's transfer and answers where the browser goes next:
 * our code form (pi.flow) or PingOne's own page (hosted). A new PKCE verifier, state and nonce
 * every time, so a "send a new code" cannot be confused with the flow it replaces.
 */
export async function startFlow(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
): Promise<string> {
  const { settings } = ctx;
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  // RFC 7636 §4.2 S256, the same value as oidc.calculatePKCECodeChallenge, computed without a
  // WebCrypto job and its round trip through the thread pool.
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const requestJwt = await buildRequestJwt({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    audience: ctx.urls.issuer,
    subject: ctx.subjectOf(req),
    templateVariant: settings.templateVariant,
    transfer,
    now: ctx.now(),
    maxAge: MAX_AGE_SECONDS,
  });
  const params = {
    clientId: settings.clientId,
    requestJwt,
    redirectUri: ctx.redirectUri,
    state,
    nonce,
    codeChallenge,
    acrValues: settings.policyName,
    maxAge: MAX_AGE_SECONDS,
  };
  const base: Omit<FlowState, 'claimId'> = {
    ui: ctx.ui,
    transferId: transfer.id,
    transferHash: transfer.hash,
    flowId: '',
    cookies: {},
    state,
    nonce,
    codeVerifier,
    redirectUri: ctx.redirectUri,
    startedAt: ctx.now().toISOString(),
    wrongCodes: 0,
  };

  if (ctx.ui === 'hosted') {
    const url = ctx.flows.authorizeUrl(params).toString();
    observe(ctx.observer, req, () => ({
      kind: 'started',
      transfer,
      params,
      responseMode: 'query',
    }));
    storeFlow(req, base);
    await saveSession(req);
    req.log.info({ transferId: transfer.id, event: 'flow.redirect' }, 'redirecting to PingOne');
    return url;
  }

  observe(ctx.observer, req, () => ({
    kind: 'started',
    transfer,
    params,
    responseMode: 'pi.flow',
  }));
  let step: FlowStep;
  try {
    step = await ctx.flows.authorize(params, { transactionId: transfer.id, requestId: req.id });
  } catch (error) {
    observe(ctx.observer, req, () => ({ kind: 'authorized', transfer, params, error }));
    if (!isPingOneError(error)) throw error;
    req.log.warn(
      { transferId: transfer.id, err: error, event: 'flow.authorize_failed' },
      'authorize failed',
    );
    const failure = triageFailure('authorize', error);
    if (failure.kind === 'unavailable') throw failure.error;
    await settle(ctx, req, transfer, failure.kind, {
      reason: 'PingOne refused to start the approval.',
      pingoneErrorId: error.pingoneErrorId,
    });
    return '/approvals/result';
  }
  const { flow } = step;
  // Awaited: the inspector may read the SMS into the trace before the session is saved.
  await observe(ctx.observer, req, () => ({ kind: 'authorized', transfer, params, ...step }));
  if (flow.status !== FLOW_STATUS.otpRequired) {
    req.log.warn(
      { transferId: transfer.id, flowStatus: flow.status, event: 'flow.unexpected_status' },
      'authorize did not ask for a code',
    );
    await settle(ctx, req, transfer, 'failed', {
      reason: `PingOne answered ${flow.status} instead of sending a code.`,
    });
    return '/approvals/result';
  }
  const state_: Omit<FlowState, 'claimId'> = { ...base, flowId: flow.id, cookies: step.cookies };
  const userId = flow._embedded?.user?.id;
  if (userId) state_.userId = userId;
  if (typeof flow.expiresAt === 'string') state_.expiresAt = flow.expiresAt;
  const masked = maskPhone(phoneOf(flow) ?? ctx.phoneHint);
  if (masked) state_.maskedPhone = masked;
  storeFlow(req, state_);
  await saveSession(req);
  req.log.info({ transferId: transfer.id, event: 'flow.started' }, 'PingOne sent the code');
  return '/approvals/otp';
}
