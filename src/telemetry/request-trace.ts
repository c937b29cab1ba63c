import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import type { SessionData } from 'express-session';

declare module 'express-session' {
  interface SessionData {
    // The approval's later requests become spans of the same trace.
    approvalTrace?: string;
  }
}

/** Requests that continue the session's approval; `POST /approvals` always starts a new one. */
const APPROVAL_STEPS = new Set([
  '/approvals/otp',
  '/approvals/result',
  '/approvals/resend',
  '/approvals/cancel',
  '/callback',
]);
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const w3c = new core.W3CTraceContextPropagator();
const KEY = createContextKey('txapproval request trace');

type SessionRequest = IncomingMessage & { session?: Partial<SessionData> };

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path
    .split('/')
    .map((segment) => (ID.test(segment) ? '{id}' : segment))
    .join('/');
}

// Made when first needed, once the session is read: a request of an approval in progress becomes a
// child of the request that started it, its incoming `traceparent` a link.
export class RequestTrace {
  readonly #start = nowMs();
  readonly #route: string;
  #span: Span | undefined;
  #joined = false;

  constructor(
    private readonly req: SessionRequest,
    private readonly tracer: Tracer,
    private readonly incoming: Context,
  ) {
    this.#route = routeOf(req.url);
  }

  span(): Span {
    if (this.#span) return this.#span;
    const method = this.req.method ?? 'GET';
    const stored = APPROVAL_STEPS.has(this.#route) ? this.req.session?.approvalTrace : undefined;
    const approval = stored
      ? trace.getSpanContext(
          w3c.extract(ROOT_CONTEXT, { traceparent: stored }, defaultTextMapGetter),
        )
      : undefined;
    const remote = trace.getSpanContext(this.incoming);
    const links: Link[] = approval && remote ? [{ context: remote }] : [];
    this.#joined = approval !== undefined;
    this.#span = this.tracer.startSpan(
      `${method} ${this.#route}`,
      {
        kind: SpanKind.SERVER,
        startTime: this.#start,
        links,
        attributes: { 'http.request.method': method },
      },
      approval ? trace.setSpanContext(ROOT_CONTEXT, approval) : this.incoming,
    );
    return this.#span;
  }

  // Kept in the session so that another instance continues the trace too.
  startsApproval(): void {
    const span = this.span();
    const session = this.req.session;
    if (this.#joined || !session) return;
    const carrier: Record<string, string> = {};
    w3c.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    if (carrier.traceparent) session.approvalTrace = carrier.traceparent;
  }

  end(res: ServerResponse): void {
    const span = this.span();
    const status = res.statusCode;
    // An unknown path names no route: the span keeps the method alone (OpenTelemetry's HTTP
    // conventions), so that a scan of random paths makes no new span names.
    span.setAttributes({
      'http.response.status_code': status,
      ...(status !== 404 && { 'http.route': this.#route }),
      ...(status >= 500 && { 'error.type': String(status) }),
      ...(!res.writableFinished && { 'txapproval.aborted': true }),
    });
    if (status === 404) span.updateName(this.req.method ?? 'GET');
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

export function withRequestTrace(ctx: Context, scope: RequestTrace): Context {
  return ctx.setValue(KEY, scope);
}

export function requestTraceOf(ctx: Context): RequestTrace | undefined {
  return ctx.getValue(KEY) as RequestTrace | undefined;
}

// Injecting inside a request whose span is not made yet makes it, so the call's `traceparent` names it.
export class RequestTracePropagator extends core.W3CTraceContextPropagator {
  override inject(ctx: Context, carrier: unknown, setter: TextMapSetter) {
    const scope = trace.getSpan(ctx) ? undefined : requestTraceOf(ctx);
    super.inject(scope ? trace.setSpan(ctx, scope.span()) : ctx, carrier, setter);
  }
}
