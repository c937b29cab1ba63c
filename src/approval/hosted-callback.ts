import type { RequestHandler } from 'express';
import { ModeError } from '../errors.js';
import { sameSecret } from '../http/same-secret.js';
import { tell, type ApprovalContext } from './approval-context.js';
import { finishFlow } from './finish-flow.js';
import { holding, pendingTransfer, redirect, startOver } from './route-helpers.js';
import { consumeFlow } from './session-state.js';
import { settle } from './settle.js';

/** Hosted mode: PingOne sends the browser back here with the code (or an error). */
export function hostedCallback(ctx: ApprovalContext): RequestHandler {
  return async (req, res) => {
    if (ctx.ui === 'own')
      throw new ModeError('PingOne redirects back here only in hosted mode (APPROVAL_UI=hosted).');
    const query = (name: string) => {
      const value = req.query[name];
      return typeof value === 'string' ? value : undefined;
    };
    const state = query('state');
    const seen = req.session.flow;
    // Checked before the flow is consumed: a link anyone can send (`/callback?state=bogus`, or an
    // error without a state) must leave the person's approval as it was.
    const stateMatched =
      seen?.ui === 'hosted' &&
      state !== undefined &&
      sameSecret(state, seen.state) &&
      pendingTransfer(req, seen.transferId) !== undefined;
    const flow = stateMatched ? await consumeFlow(req, ctx.claims, ctx.now()) : undefined;
    const transfer = flow && pendingTransfer(req, flow.transferId);
    if (!flow || !transfer || state === undefined) {
      req.log.warn(
        { event: 'callback.rejected', hadFlow: seen !== undefined, stateMatched },
        'callback without a matching flow',
      );
      return redirect(res, startOver('replayed'));
    }
    const error = query('error');
    const code = query('code');
    if (error || !code) {
      const declined = error === 'access_denied';
      tell(ctx, req, transfer.id, () => ({
        kind: 'pingone-failed',
        step: 18,
        call: 'callback',
        transient: false,
        // OAuth's error codes are short words: anything else from the URL is not repeated.
        pingone: {
          code: error === undefined ? 'no code' : /^[\w.-]{1,64}$/.test(error) ? error : 'invalid',
        },
      }));
      await settle(ctx, req, transfer, declined ? 'declined' : 'failed', {
        reason: declined ? 'declined_at_pingone' : 'pingone_refused',
        step: 18,
      });
      return redirect(res, '/approvals/result');
    }
    const iss = query('iss');
    const response = { code, state, ...(iss !== undefined && { iss }) };
    tell(ctx, req, transfer.id, () => ({
      kind: 'resumed',
      step: 18,
      via: 'callback',
      stateEchoed: true,
      ...(iss && { iss }),
    }));
    await holding(req, () => finishFlow(ctx, req, flow, transfer, response));
    redirect(res, '/approvals/result');
  };
}
