import { trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { requestTraceOf } from './request-trace.js';

/**
 * W3C trace context, with one addition: inside a request whose span is not made yet (it is made
 * once the session is read, src/telemetry/request-trace.ts), injecting makes it, so that an
 * outgoing PingOne call's `traceparent` names the request it serves.
 */
export class RequestTracePropagator implements TextMapPropagator {
  readonly #w3c = new core.W3CTraceContextPropagator();

  inject(ctx: Context, carrier: unknown, setter: Parameters<TextMapPropagator['inject']>[2]) {
    const scope = trace.getSpan(ctx) ? undefined : requestTraceOf(ctx);
    this.#w3c.inject(scope ? trace.setSpan(ctx, scope.span()) : ctx, carrier, setter);
  }

  extract(ctx: Context, carrier: unknown, getter: Parameters<TextMapPropagator['extract']>[2]) {
    return this.#w3c.extract(ctx, carrier, getter);
  }

  fields(): string[] {
    return this.#w3c.fields();
  }
}
