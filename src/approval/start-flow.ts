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
    transfer: { amount, currency, payee, fromAccount, hash },
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
    await storeFlow(req, flow);
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
