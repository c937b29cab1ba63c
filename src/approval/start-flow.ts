import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import {
  FLOW_STATUS,
  type AuthorizeQuery,
  type FlowStep,
  type PingOneFlow,
} from '../pingone/flow/flow-client.js';
import { tell, type ApprovalContext } from './approval-context.js';
import { MAX_AGE_SECONDS } from './freshness.js';
import { pingoneFailed } from './outcome.js';
import { buildRequestJwt } from './request-jwt.js';
import { storeFlow, type FlowState, type PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

const RESULT = '/approvals/result';
const SCOPE = 'openid profile';

/** Where the code went, all but the last four digits masked: the selected device, else the first. */
function maskedPhone(flow: PingOneFlow, hint: string | undefined): string | undefined {
  const phone =
    flow.selectedDevice?.phone ?? flow._embedded?.devices?.find((d) => d.phone)?.phone ?? hint;
  const digits = phone?.replace(/\D/g, '') ?? '';
  return digits.length < 4 ? undefined : `•••• ${digits.slice(-4)}`;
}

// Step 16; answers where the browser goes next. A new verifier, state and nonce every time, so
// a "send a new code" cannot be confused with the flow it replaces.
export async function startFlow(
  ctx: ApprovalContext,
  req: Request,
  transfer: PendingTransfer,
): Promise<string> {
  const { settings } = ctx;
  const { amount, currency, payee, fromAccount, hash } = transfer;
  const codeVerifier = oidc.randomPKCECodeVerifier();
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
  const query: AuthorizeQuery = {
    client_id: settings.clientId,
    response_type: 'code',
    response_mode: ctx.ui === 'hosted' ? 'query' : 'pi.flow',
    scope: SCOPE,
    redirect_uri: ctx.redirectUri,
    request: requestJwt,
    login_hint_token: requestJwt,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    // RFC 7636 §4.2 S256, the value oidc.calculatePKCECodeChallenge gives, without a WebCrypto
    // job and its round trip through the thread pool.
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    acr_values: settings.policyName,
    max_age: String(MAX_AGE_SECONDS),
  };
  const flow: Omit<FlowState, 'claimId'> = {
    ui: ctx.ui,
    transferId: transfer.id,
    transferHash: transfer.hash,
    flowId: '',
    cookies: {},
    state: query.state,
    nonce: query.nonce,
    codeVerifier,
    redirectUri: ctx.redirectUri,
    startedAt: ctx.now().toISOString(),
    wrongCodes: 0,
  };
  tell(ctx, req, transfer.id, () => ({
    kind: 'started',
    step: 16,
    responseMode: query.response_mode,
    transfer: { amount, currency, payee, fromAccount, hash },
    authorize: {
      client_id: query.client_id,
      redirect_uri: query.redirect_uri,
      scope: query.scope,
      acr_values: query.acr_values,
      max_age: MAX_AGE_SECONDS,
    },
    requestObject: {
      header: decodeProtectedHeader(requestJwt),
      claims: decodeJwt(requestJwt),
    },
  }));

  if (ctx.ui === 'hosted') {
    const url = ctx.flows.authorizeUrl(query).toString();
    await storeFlow(req, flow);
    return url;
  }

  let step: FlowStep;
  try {
    step = await ctx.flows.authorize(query, { transactionId: transfer.id, requestId: req.id });
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
  const { expiresAt } = answer;
  const masked = maskedPhone(answer, ctx.phoneHint);
  const learned = {
    ...(answer._embedded?.user?.id && { userId: answer._embedded.user.id }),
    ...(typeof expiresAt === 'string' && expiresAt && { expiresAt }),
    ...(masked && { maskedPhone: masked }),
  };
  tell(ctx, req, transfer.id, () => ({
    kind: 'sms-sent',
    step: 16,
    cookieNames: Object.keys(step.cookies),
    ...learned,
  }));
  await storeFlow(req, { ...flow, flowId: answer.id, cookies: step.cookies, ...learned });
  return '/approvals/otp';
}
