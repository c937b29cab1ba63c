import type { Request } from 'express';
import { observe } from './approval-observer.js';
import {
  FLOW_STATUS,
  authorizeResponseFromJson,
  type AuthorizeResponse,
  type FlowStep,
} from '../pingone/flow.js';
import { isPingOneError } from '../pingone/http.js';
import { auditFields } from '../http/audit-fields.js';
import type { ApprovalContext } from './approval-context.js';
import { finishFlow } from './finish-flow.js';
import { triageFailure, wrongCodeInfo } from './outcome.js';
import { saveSession, storeFlow, type FlowState, type PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

/** PingOne's device policy allows at most 7 wrong codes; past that we call the flow locked. */
const MAX_WRONG_CODES = 7;

export type CodeCheckResult =
  { kind: 'redirect'; location: string } | { kind: 'wrong-code'; attemptsLeft?: number };

/** The audit line of a wrong code: who sent it, from where, and what PingOne said is left. */
function logWrongCode(
  req: Request,
  transfer: PendingTransfer,
  attemptsLeft: number | undefined,
  locked: boolean,
): void {
  req.log.info(
    { transferId: transfer.id, attemptsLeft, locked, ...auditFields(req), event: 'otp.wrong' },
    'wrong code',
  );
}

async function putBack(req: Request, flow: FlowState): Promise<void> {
  const { claimId: _claimId, ...rest } = flow;
  storeFlow(req, rest);
  await saveSession(req);
}

/**
 * Step 17 and what follows: posts the code to the flow, and on COMPLETED resumes and finishes.
 * The flow was consumed by the caller; it goes back into the session only when the same flow
 * can still continue (a wrong code with attempts left, or PingOne unreachable mid-check).
 */
export async function checkCode(
  ctx: ApprovalContext,
  req: Request,
  flow: FlowState,
  transfer: PendingTransfer,
  otp: string,
): Promise<CodeCheckResult> {
  const log = { transferId: transfer.id };
  const result = { kind: 'redirect', location: '/approvals/result' } as const;
  const told = { kind: 'code-checked', flowId: flow.flowId, otp, sent: flow.cookies } as const;
  let step: FlowStep;
  try {
    step = await ctx.flows.checkOtp(flow.flowId, otp, {
      cookies: flow.cookies,
      transactionId: transfer.id,
      requestId: req.id,
    });
    observe(ctx.observer, req, () => ({
      ...told,
      transactionId: transfer.id,
      flow: step.flow,
      cookies: step.cookies,
    }));
  } catch (error) {
    observe(ctx.observer, req, () => ({ ...told, transactionId: transfer.id, error }));
    if (!isPingOneError(error)) throw error;
    const failure = triageFailure('otp.check', error);
    if (failure.kind === 'unavailable') {
      req.log.warn({ ...log, err: error, event: 'otp.unavailable' }, 'otp.check failed');
      await putBack(req, flow);
      throw failure.error;
    }
    if (failure.kind === 'expired') {
      await settle(ctx, req, transfer, 'expired', { pingoneErrorId: error.pingoneErrorId });
      return result;
    }
    const wrong = wrongCodeInfo(error);
    if (wrong) {
      const wrongCodes = flow.wrongCodes + 1;
      const locked = wrong.locked || wrongCodes >= MAX_WRONG_CODES;
      if (!wrong.expired) logWrongCode(req, transfer, wrong.attemptsLeft, locked);
      if (locked) {
        await settle(ctx, req, transfer, wrong.expired ? 'expired' : 'locked', {
          pingoneErrorId: error.pingoneErrorId,
        });
        return result;
      }
      const next: FlowState = { ...flow, wrongCodes };
      if (wrong.attemptsLeft !== undefined) next.attemptsLeft = wrong.attemptsLeft;
      await putBack(req, next);
      return wrong.attemptsLeft === undefined
        ? { kind: 'wrong-code' }
        : { kind: 'wrong-code', attemptsLeft: wrong.attemptsLeft };
    }
    req.log.warn({ ...log, err: error, event: 'otp.refused' }, 'otp.check refused');
    await settle(ctx, req, transfer, 'failed', {
      reason: 'PingOne refused the code check.',
      pingoneErrorId: error.pingoneErrorId,
    });
    return result;
  }

  // PingOne may change the flow id and rotate cookies on any step: continue with the latest.
  const current: FlowState = { ...flow, flowId: step.flow.id, cookies: step.cookies };
  switch (step.flow.status) {
    case FLOW_STATUS.completed:
      // Should the process die before the approval is recorded, the restart can say so.
      if (req.session.busy) {
        req.session.busy.accepted = true;
        await saveSession(req);
      }
      break;
    case FLOW_STATUS.failed:
      await settle(ctx, req, transfer, 'locked');
      return result;
    case FLOW_STATUS.otpRequired: {
      // A 200 that still wants a code is a wrong code, in a shape docs/pingone-contract.md does not promise.
      const wrongCodes = flow.wrongCodes + 1;
      logWrongCode(req, transfer, undefined, wrongCodes >= MAX_WRONG_CODES);
      if (wrongCodes >= MAX_WRONG_CODES) {
        await settle(ctx, req, transfer, 'locked');
        return result;
      }
      await putBack(req, { ...current, wrongCodes });
      return { kind: 'wrong-code' };
    }
    default:
      req.log.warn(
        { ...log, flowStatus: step.flow.status, event: 'otp.unexpected_status' },
        'unexpected flow status',
      );
      await settle(ctx, req, transfer, 'failed', {
        reason: `PingOne answered ${step.flow.status}.`,
      });
      return result;
  }

  return resumeAndFinish(
    ctx,
    req,
    current,
    transfer,
    authorizeResponseFromJson(step.flow.authorizeResponse),
  );
}

/** Step 18 (unless the COMPLETED flow already carried the response) and the token step. */
async function resumeAndFinish(
  ctx: ApprovalContext,
  req: Request,
  current: FlowState,
  transfer: PendingTransfer,
  carried?: AuthorizeResponse,
): Promise<CodeCheckResult> {
  const log = { transferId: transfer.id };
  const result = { kind: 'redirect', location: '/approvals/result' } as const;
  let response = carried;
  if (!response) {
    const told = { kind: 'resumed', flowId: current.flowId, sent: current.cookies } as const;
    try {
      const answer = await ctx.flows.resume(current.flowId, {
        cookies: current.cookies,
        transactionId: transfer.id,
        requestId: req.id,
      });
      observe(ctx.observer, req, () => ({ ...told, ...answer }));
      response = answer.response;
    } catch (error) {
      observe(ctx.observer, req, () => ({ ...told, error }));
      if (!isPingOneError(error)) throw error;
      req.log.warn({ ...log, err: error, event: 'resume.failed' }, 'resume failed');
      const failure = triageFailure('resume', error);
      if (failure.kind === 'unavailable') throw failure.error;
      await settle(ctx, req, transfer, failure.kind, {
        reason: 'PingOne did not resume the flow.',
        pingoneErrorId: error.pingoneErrorId,
      });
      return result;
    }
  }
  await finishFlow(ctx, req, current, transfer, response);
  return result;
}
