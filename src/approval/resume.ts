import type { Request } from 'express';
import type { AuthorizeResponse } from '../pingone/flow/flow-client.js';
import { tell, type ApprovalContext } from './approval-context.js';
import { pingoneFailed } from './outcome.js';
import type { FlowState, PendingTransfer } from './session-state.js';

/**
 * Step 18, unless the completed flow already carried the authorization response. Undefined when
 * PingOne refused and the approval is settled; a transient failure throws the 502/503 page.
 */
export async function resume(
  ctx: ApprovalContext,
  req: Request,
  flow: FlowState,
  transfer: PendingTransfer,
  carried?: AuthorizeResponse,
): Promise<AuthorizeResponse | undefined> {
  let response = carried;
  if (!response) {
    try {
      ({ response } = await ctx.flows.resume(flow.flowId, {
        cookies: flow.cookies,
        transactionId: transfer.id,
        requestId: req.id,
      }));
    } catch (error) {
      await pingoneFailed(ctx, req, transfer, 'resume', error);
      return undefined;
    }
  }
  const { state, iss } = response;
  tell(ctx, req, transfer.id, () => ({
    kind: 'resumed',
    step: 18,
    via: carried ? 'flow' : 'resume',
    stateEchoed: state !== undefined,
    ...(iss && { iss }),
  }));
  return response;
}
