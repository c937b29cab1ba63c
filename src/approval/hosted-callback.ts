import type { RequestHandler } from 'express';
import { ModeError } from '../errors.js';
import type { ApprovalContext } from './approval-context.js';
import { observe } from './approval-observer.js';
import { finishFlow } from './finish-flow.js';
import { startOver } from './notices.js';
import { holding, pendingTransfer, redirect } from './route-helpers.js';
import { consumeFlow } from './session-state.js';
import { settle } from './settle.js';

/** Hosted mode: PingOne sends the browser back here with the code (or an error). */
export function hostedCallback(ctx: ApprovalContext): RequestHandler {
  return async (req, res) => {
    if (ctx.ui === 'own')
      throw new ModeError('PingOne redirects back here only in hosted mode (APPROVAL_UI=hosted).');
    const flow = await consumeFlow(req, ctx.claims, ctx.now());
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const transfer = flow && pendingTransfer(req, flow.transferId);
    if (!flow || flow.ui !== 'hosted' || !transfer || state !== flow.state) {
      req.log.warn(
        { event: 'callback.rejected', hadFlow: Boolean(flow) },
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
