import type { RequestListener } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { onApprovalEvent, type ApprovalEvent } from '../approval/approval-events.js';
import type { TracingConfig } from '../config.js';
import { onCall, type CallEvent } from '../pingone/call-events.js';
import { callStep, type CallStep } from './call-step.js';
import {
  nowMs,
  RequestTrace,
  RequestTracePropagator,
  requestTraceOf,
  withRequestTrace,
} from './request-trace.js';

// OTEL_TRACES_SAMPLER's names: `parentbased_` wraps the root sampler the rest names.
const ROOT_SAMPLERS = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (ratio: number) => new TraceIdRatioBasedSampler(ratio),
};

function samplerOf({ sampler, samplerRatio }: TracingConfig): Sampler {
  const name = sampler.replace(/^parentbased_/, '') as keyof typeof ROOT_SAMPLERS;
  const root = ROOT_SAMPLERS[name](samplerRatio);
  return name === sampler ? root : new ParentBasedSampler({ root });
}

function splitTemplate(template: string): { host: string; path: string } {
  const hostStart = template.indexOf('//') + 2;
  const pathStart = template.indexOf('/', hostStart);
  if (hostStart < 2 || pathStart < 0) return { host: '', path: template };
  return { host: template.slice(hostStart, pathStart), path: template.slice(pathStart) };
}

/** What a span says of one call: the event's fields, which hold no header, body or query. */
function attributesOf(event: CallEvent, step: CallStep | undefined): Attributes {
  const { host, path } = splitTemplate(event.template);
  return {
    'http.request.method': event.method,
    'server.address': host,
    'url.template': path,
    'pingone.call': event.step,
    'pingone.attempt': event.attempt,
    'pingone.will_retry': event.willRetry,
    ...(step && { 'pingone.workflow.step': step.step, 'pingone.workflow.step_name': step.name }),
    ...(event.attempt > 1 && { 'http.request.resend_count': event.attempt - 1 }),
    ...(event.status !== undefined && { 'http.response.status_code': event.status }),
    ...(event.pingoneErrorId && { 'pingone.error_id': event.pingoneErrorId }),
    ...(event.errorCode && { 'error.type': event.errorCode }),
  };
}

// Made when the call path reports it (started `durationMs` before): the call path has no tracing code.
function traceCalls(tracer: Tracer, signal: AbortSignal): void {
  onCall(
    undefined,
    (event: CallEvent) => {
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
          attributes: attributesOf(event, step),
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

// A started approval makes its request the root of the approval's trace.
function traceApprovalEvents(signal: AbortSignal): void {
  onApprovalEvent(
    undefined,
    (event) => {
      const scope = requestTraceOf(context.active());
      if (!scope) return;
      if (event.kind === 'started') scope.startsApproval();
      scope.span().addEvent(`approval.${event.kind}`, approvalAttributes(event));
    },
    signal,
  );
}

/** The event's closed-set fields: never the transfer, the payee, a user id or a claim. */
function approvalAttributes(event: ApprovalEvent): Attributes {
  const step =
    'step' in event && event.step !== undefined ? { 'pingone.workflow.step': event.step } : {};
  switch (event.kind) {
    case 'settled':
      return { ...step, 'approval.outcome': event.outcome, 'approval.reason': event.reason };
    case 'pingone-failed':
      return {
        ...step,
        'pingone.call': event.call,
        'pingone.transient': event.transient,
        'pingone.error_code': event.pingone.code,
      };
    case 'code-wrong':
      return { ...step, 'approval.locked': event.locked };
    case 'token-checked':
      return { ...step, 'approval.token_verdict': event.verdict };
    default:
      return step;
  }
}

/** Probes and static files: a trace each would bury the approvals. */
const UNTRACED = /^\/(healthz|assets\/)/;

function tracedRequests(listener: RequestListener, tracer: Tracer): RequestListener {
  return (req, res) => {
    if (UNTRACED.test(req.url ?? '')) {
      listener(req, res);
      return;
    }
    const incoming = propagation.extract(ROOT_CONTEXT, req.headers);
    const scope = new RequestTrace(req, tracer, incoming);
    res.once('close', () => {
      try {
        scope.end(res);
      } catch {
        // A span that cannot end is lost; the request it describes is not.
      }
    });
    context.with(withRequestTrace(ROOT_CONTEXT, scope), () => listener(req, res));
  };
}

// No instrumentation (the spans are the app's own), no metrics or logs pipeline.
export function observedTraces(config: TracingConfig, signal: AbortSignal) {
  const exporter = new OTLPTraceExporter({
    url: config.url,
    headers: config.headers,
    timeoutMillis: config.timeoutMs,
  });
  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({
      ...config.resourceAttributes,
      'service.name': config.serviceName,
    }),
    autoDetectResources: false,
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.exportDelayMs }),
    ],
    sampler: samplerOf(config),
    textMapPropagator: new RequestTracePropagator(),
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const tracer = trace.getTracer('txapproval');
  traceCalls(tracer, signal);
  traceApprovalEvents(signal);
  return {
    serve: (listener: RequestListener) => tracedRequests(listener, tracer),
    async shutdown() {
      try {
        await sdk.shutdown();
      } finally {
        // A later start in the same process (tests) registers its own.
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}
