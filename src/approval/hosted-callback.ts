import type { Request, RequestHandler } from 'express';
import { ModeError } from '../errors.js';
import { sameSecret } from '../http/same-secret.js';
import type { ApprovalContext } from './approval-context.js';
import { observe } from './approval-observer.js';
import { finishFlow } from './finish-flow.js';
import { startOver } from './notices.js';
import { holding, pendingTransfer, redirect } from './route-helpers.js';
import { consumeFlow } from './session-state.js';
import { settle } from './settle.js';

/**
 * Whether this callback carries the `state` of the hosted flow waiting in this session. Read
 * before the flow is consumed: a link anyone can send (`/callback?state=bogus`, or an error
 * without a state) must leave the person's approval as it was.
 */
function answersPendingFlow(req: Request, state: string | undefined): boolean {
  const flow = req.session.flow;
  return (
    flow !== undefined &&
    flow.ui === 'hosted' &&
    state !== undefined &&
    sameSecret(state, flow.state) &&
    pendingTransfer(req, flow.transferId) !== undefined
  );
}

/** Hosted mode: PingOne sends the browser back here with the code (or an error). */
export function hostedCallback(ctx: ApprovalContext): RequestHandler {
  return async (req, res) => {
    if (ctx.ui === 'own')
      throw new ModeError('PingOne redirects back here only in hosted mode (APPROVAL_UI=hosted).');
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const hadFlow = req.session.flow !== undefined;
    const stateMatched = answersPendingFlow(req, state);
    const flow = stateMatched ? await consumeFlow(req, ctx.claims, ctx.now()) : undefined;
    const transfer = flow && pendingTransfer(req, flow.transferId);
    if (!flow || !transfer || state === undefined) {
      req.log.warn(
        { event: 'callback.rejected', hadFlow, stateMatched },
        'callback without a matching flow',
      );
      return redirect(res, startOver('replayed'));
    }
    const error = typeof req.query.error === 'string' ? req.query.error : undefined;
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    if (error || !code) {
      req.log.info(
        { transferId: transfer.id, oauthError: error, event: 'callback.error' },
        'PingOne returned an error',
      );
      await settle(ctx, req, transfer, error === 'access_denied' ? 'declined' : 'failed', {
        reason:
          error === 'access_denied'
            ? 'The approval was declined at PingOne.'
            : 'PingOne did not approve.',
      });
      return redirect(res, '/approvals/result');
    }
    const response: { code: string; state: string; iss?: string } = { code, state };
    if (typeof req.query.iss === 'string') response.iss = req.query.iss;
    observe(ctx.observer, req, () => ({ kind: 'callback', response }));
    await holding(req, () => finishFlow(ctx, req, flow, transfer, response));
    redirect(res, '/approvals/result');
  };
}
