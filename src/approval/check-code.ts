import type { Request } from 'express';
import { auditFields } from '../http/audit-fields.js';
import {
  FLOW_STATUS,
  authorizeResponseFromJson,
  type FlowStep,
} from '../pingone/flow/flow-client.js';
import { PingOneError } from '../pingone/pingone-error.js';
import { tell, type ApprovalContext } from './approval-context.js';
import { pingoneFailure } from './approval-events.js';
import { finishFlow } from './finish-flow.js';
import { pingoneFailed, wrongCodeInfo } from './outcome.js';
import { resume } from './resume.js';
import { saveSession, storeFlow, type FlowState, type PendingTransfer } from './session-state.js';
import { settle } from './settle.js';

/** PingOne's device policy allows at most 7 wrong codes; past that we call the flow locked. */
const MAX_WRONG_CODES = 7;

/** A wrong code the same flow still takes; undefined when the approval is decided. */
type WrongCode = { attemptsLeft?: number } | void;

// Step 17, then on `COMPLETED` steps 18 and 19. The consumed flow goes back only when it can
// still continue (a wrong code with attempts left, PingOne unreachable).
export async function checkCode(
  ctx: ApprovalContext,
  req: Request,
  flow: FlowState,
  transfer: PendingTransfer,
  otp: string,
): Promise<WrongCode> {
  let step: FlowStep;
  try {
    step = await ctx.flows.checkOtp(flow.flowId, otp, {
      cookies: flow.cookies,
      transactionId: transfer.id,
      requestId: req.id,
    });
  } catch (error) {
    const wrong = error instanceof PingOneError && wrongCodeInfo(error);
    if (wrong && !wrong.expired) return wrongCode(ctx, req, flow, transfer, wrong, error);
    return pingoneFailed(ctx, req, transfer, 'otp.check', error, () => storeFlow(req, flow));
  }

  // PingOne may change the flow id and rotate cookies on any step: continue with the latest.
  const current: FlowState = { ...flow, flowId: step.flow.id, cookies: step.cookies };
  switch (step.flow.status) {
    case FLOW_STATUS.completed:
      break;
    case FLOW_STATUS.failed:
      return settle(ctx, req, transfer, 'locked', { reason: 'locked', step: 17 });
    case FLOW_STATUS.otpRequired:
      // A 200 that still wants a code is a wrong code, in a shape docs/pingone-contract.md does not promise.
      return wrongCode(ctx, req, current, transfer, { locked: false });
    default:
      return settle(ctx, req, transfer, 'failed', {
        reason: 'unexpected_status',
        step: 17,
        flowStatus: step.flow.status,
      });
  }

  const carried = authorizeResponseFromJson(step.flow.authorizeResponse);
  tell(ctx, req, transfer.id, () => ({
    kind: 'code-accepted',
    step: 17,
    carriesResponse: carried !== undefined,
  }));
  // Should the process die before the approval is recorded, the restart can say so. The flow was
  // consumed (consumeFlow), so the session is busy with it.
  req.session.busy!.accepted = true;
  await saveSession(req);
  const response = await resume(ctx, req, current, transfer, carried);
  if (response) await finishFlow(ctx, req, current, transfer, response);
}

/** The same flow goes back for the next code, unless PingOne said none are left or our bound. */
async function wrongCode(
  ctx: ApprovalContext,
  req: Request,
  flow: FlowState,
  transfer: PendingTransfer,
  wrong: { locked: boolean; attemptsLeft?: number },
  error?: PingOneError,
): Promise<WrongCode> {
  const wrongCodes = flow.wrongCodes + 1;
  const locked = wrong.locked || wrongCodes >= MAX_WRONG_CODES;
  const { attemptsLeft } = wrong;
  tell(ctx, req, transfer.id, () => ({
    kind: 'code-wrong',
    step: 17,
    locked,
    audit: auditFields(req),
    ...(attemptsLeft !== undefined && { attemptsLeft }),
    ...(error && { pingone: pingoneFailure(error) }),
  }));
  if (locked) {
    return settle(ctx, req, transfer, 'locked', {
      reason: 'locked',
      step: 17,
      ...(error?.pingoneErrorId && { pingoneErrorId: error.pingoneErrorId }),
    });
  }
  const left = attemptsLeft !== undefined && { attemptsLeft };
  await storeFlow(req, { ...flow, wrongCodes, ...left });
  return { ...left };
}
