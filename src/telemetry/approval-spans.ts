import { context, type Attributes } from '@opentelemetry/api';
import { onApprovalEvent } from './approval-events.js';
import { requestTraceOf } from './request-trace.js';

/**
 * The approval core's events as events of the request span they happened in (`approval.started`,
 * `approval.code-wrong`…): the inspector's timeline and the trace tell the same story. A started
 * approval makes its request the root of the approval's trace.
 */
export function traceApprovalEvents(signal: AbortSignal): void {
  onApprovalEvent((event) => {
    const scope = requestTraceOf(context.active());
    if (!scope) return;
    if (event.kind === 'started') scope.startsApproval();
    const attributes: Attributes = {};
    if (event.outcome) attributes['approval.outcome'] = event.outcome;
    if (event.reason) attributes['approval.reason'] = event.reason;
    if (event.step !== undefined) attributes['pingone.workflow.step'] = event.step;
    scope.span().addEvent(`approval.${event.kind}`, attributes);
  }, signal);
}
