import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
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
import type { TracingConfig } from '../config.js';
import { RequestTracePropagator } from './request-trace-propagator.js';

export interface TracingSdk {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

// No instrumentation (the spans are the app's own), no metrics or logs pipeline.
export function startTracingSdk(config: TracingConfig): TracingSdk {
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
  return {
    tracer: trace.getTracer('txapproval'),
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
