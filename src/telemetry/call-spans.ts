import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { onCall } from '../pingone/call-events.js';
import { callStep, type StepCallEvent } from './call-step.js';
import { nowMs, requestTraceOf } from './request-trace.js';

/** `https://host/{id}/as/authorize` (an event's template) → its host and its path template. */
function splitTemplate(template: string): { host: string; path: string } {
  const hostStart = template.indexOf('//') + 2;
  const pathStart = template.indexOf('/', hostStart);
  if (hostStart < 2 || pathStart < 0) return { host: '', path: template };
  return { host: template.slice(hostStart, pathStart), path: template.slice(pathStart) };
}

/** What a span says of one call: the event's fields, which hold no header, body or query. */
function attributesOf(event: StepCallEvent): Attributes {
  const step = callStep(event);
  const { host, path } = splitTemplate(event.template);
  const attributes: Attributes = {
    'http.request.method': event.method,
    'server.address': host,
    'url.template': path,
    'pingone.call': event.step,
    'pingone.attempt': event.attempt,
    'pingone.will_retry': event.willRetry,
  };
  if (step) {
    attributes['pingone.workflow.step'] = step.step;
    attributes['pingone.workflow.step_name'] = step.name;
  }
  if (event.attempt > 1) attributes['http.request.resend_count'] = event.attempt - 1;
  if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
  if (event.pingoneErrorId) attributes['pingone.error_id'] = event.pingoneErrorId;
  if (event.errorCode) attributes['error.type'] = event.errorCode;
  return attributes;
}

// Made when the call path reports it (started `durationMs` before): the call path has no tracing code.
export function traceCalls(tracer: Tracer, signal: AbortSignal): void {
  onCall(
    undefined,
    (event: StepCallEvent) => {
      const end = nowMs();
      const active = context.active();
      const scope = requestTraceOf(active);
      const step = callStep(event);
      // Authorize starts a flow: the approval's later requests join this request's trace.
      if (step?.step === 16) scope?.startsApproval();
      const span = tracer.startSpan(
        step ? `pingone ${step.step} ${step.name}` : `pingone ${event.step}`,
        {
          kind: SpanKind.CLIENT,
          startTime: end - event.durationMs,
          attributes: attributesOf(event),
        },
        scope ? trace.setSpan(active, scope.span()) : active,
      );
      if (event.status === undefined || event.status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.errorCode ?? '' });
      }
      span.end(end);
    },
    signal,
  );
}
