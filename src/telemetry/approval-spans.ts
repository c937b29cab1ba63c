import { context, type Attributes } from '@opentelemetry/api';
import { onApprovalEvent, type ApprovalEvent } from '../approval/approval-events.js';
import { requestTraceOf } from './request-trace.js';

// A started approval makes its request the root of the approval's trace.
export function traceApprovalEvents(signal: AbortSignal): void {
  onApprovalEvent(
    undefined,
    (event) => {
      const scope = requestTraceOf(context.active());
      if (!scope) return;
      if (event.kind === 'started') scope.startsApproval();
      scope.span().addEvent(`approval.${event.kind}`, attributesOf(event));
    },
    signal,
  );
}

/** The event's closed-set fields: never the transfer, the payee, a user id or a claim. */
function attributesOf(event: ApprovalEvent): Attributes {
  const attributes: Attributes = {};
  if ('step' in event && event.step !== undefined) attributes['pingone.workflow.step'] = event.step;
  switch (event.kind) {
    case 'settled':
      attributes['approval.outcome'] = event.outcome;
      attributes['approval.reason'] = event.reason;
      break;
    case 'pingone-failed':
      attributes['pingone.call'] = event.call;
      attributes['pingone.transient'] = event.transient;
      attributes['pingone.error_code'] = event.pingone.code;
      break;
    case 'code-wrong':
      attributes['approval.locked'] = event.locked;
      break;
    case 'token-checked':
      attributes['approval.token_verdict'] = event.verdict;
      break;
    default:
      break;
  }
  return attributes;
}
