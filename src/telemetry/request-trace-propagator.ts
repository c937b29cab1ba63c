import { trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { requestTraceOf } from './request-trace.js';

// Injecting inside a request whose span is not made yet makes it, so the call's `traceparent` names it.
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
