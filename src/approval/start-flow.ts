import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import {
  FLOW_STATUS,
  type AuthorizeParams,
  type FlowStep,
  type PingOneFlow,
} from '../pingone/flow/flow-client.js';
import { tell, type ApprovalContext } from './approval-context.js';
import { MAX_AGE_SECONDS } from './freshness.js';
import { pingoneFailed } from './outcome.js';
import { buildRequestJwt } from './request-jwt.js';
import { saveSession, storeFlow, type FlowState, type PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

const RESULT = '/approvals/result';
const SCOPE = 'openid profile';

/** All but the last four digits masked: the page says where the code went, not the number. */
function maskPhone(phone: string | undefined): string | undefined {
  const digits = phone?.replace(/\D/g, '') ?? '';
  return digits.length < 4 ? undefined : `•••• ${digits.slice(-4)}`;
}

/** The number PingOne sent the code to: the selected device's, else the first with a phone. */
function phoneOf(flow: PingOneFlow): string | undefined {
  return flow.selectedDevice?.phone ?? flow._embedded?.devices?.find((d) => d.phone)?.phone;
}

/**
 * Step 16: starts a PingOne flow for the session's transfer and answers where the browser goes
 * next: our code form (pi.flow) or PingOne's own page (hosted). A new PKCE verifier, state and
 * nonce every time, so a "send a new code" cannot be confused with the flow it replaces.
 */
export async function startFlow(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
): Promise<string> {
  const { settings } = ctx;
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const params: AuthorizeParams = {
    clientId: settings.clientId,
    requestJwt: await buildRequestJwt({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      audience: ctx.urls.issuer,
      subject: ctx.subjectOf(req),
      templateVariant: settings.templateVariant,
      transfer,
      now: ctx.now(),
      maxAge: MAX_AGE_SECONDS,
    }),
    redirectUri: ctx.redirectUri,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    // RFC 7636 §4.2 S256, the value oidc.calculatePKCECodeChallenge gives, without a WebCrypto
    // job and its round trip through the thread pool.
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    acrValues: settings.policyName,
    maxAge: MAX_AGE_SECONDS,
    scope: SCOPE,
  };
  const flow: Omit<FlowState, 'claimId'> = {
    ui: ctx.ui,
    transferId: transfer.id,
    transferHash: transfer.hash,
    flowId: '',
    cookies: {},
    state: params.state,
    nonce: params.nonce,
    codeVerifier,
    redirectUri: ctx.redirectUri,
    startedAt: ctx.now().toISOString(),
    wrongCodes: 0,
  };
  tell(ctx, req, transfer.id, () => ({
    kind: 'started',
    step: 16,
    responseMode: ctx.ui === 'hosted' ? 'query' : 'pi.flow',
    transfer: {
      amount: transfer.amount,
      currency: transfer.currency,
      payee: transfer.payee,
      fromAccount: transfer.fromAccount,
      hash: transfer.hash,
    },
    authorize: {
      client_id: params.clientId,
      redirect_uri: params.redirectUri,
      scope: SCOPE,
      acr_values: params.acrValues,
      max_age: params.maxAge,
    },
    requestObject: {
      header: decodeProtectedHeader(params.requestJwt),
      claims: decodeJwt(params.requestJwt),
    },
  }));

  if (ctx.ui === 'hosted') {
    const url = ctx.flows.authorizeUrl(params).toString();
    storeFlow(req, flow);
    await saveSession(req);
    return url;
  }

  let step: FlowStep;
  try {
    step = await ctx.flows.authorize(params, { transactionId: transfer.id, requestId: req.id });
  } catch (error) {
    await pingoneFailed(ctx, req, transfer, 'authorize', error);
    return RESULT;
  }
  const answer = step.flow;
  if (answer.status !== FLOW_STATUS.otpRequired) {
    await settle(ctx, req, transfer, 'failed', {
      reason: 'unexpected_status',
      step: 16,
      flowStatus: answer.status,
    });
    return RESULT;
  }
  const started: Omit<FlowState, 'claimId'> = { ...flow, flowId: answer.id, cookies: step.cookies };
  const userId = answer._embedded?.user?.id;
  if (userId) started.userId = userId;
  if (typeof answer.expiresAt === 'string') started.expiresAt = answer.expiresAt;
  const masked = maskPhone(phoneOf(answer) ?? ctx.phoneHint);
  if (masked) started.maskedPhone = masked;
  tell(ctx, req, transfer.id, () => ({
    kind: 'sms-sent',
    step: 16,
    cookieNames: Object.keys(step.cookies),
    ...(masked && { maskedPhone: masked }),
    ...(started.expiresAt && { expiresAt: started.expiresAt }),
    ...(userId && { userId }),
  }));
  storeFlow(req, started);
  await saveSession(req);
  return '/approvals/otp';
}
