import type { RequestListener } from 'node:http';
import type { AppConfig } from '../config.js';

/** What the composition root (src/server.ts) gets: the listener to serve and what to close. */
export interface Telemetry {
  /** The app's listener, traced when traces are on; the same listener otherwise. */
  serve(listener: RequestListener): RequestListener;
  /** `http://host:port/metrics` when METRICS_PORT is set. */
  metricsUrl?: string;
  /** Stops observing, closes the metrics listener, exports the spans still queued. */
  close(): Promise<void>;
}

/** How long shutdown waits for the last spans to reach the collector. */
const EXPORT_ON_CLOSE_MS = 3_000;

/**
 * Metrics (METRICS_PORT) and traces (OTEL_EXPORTER_OTLP_ENDPOINT), each only when configured:
 * with neither, nothing is loaded and nobody subscribes, so the call path does not even build
 * its events. Both only subscribe to the observation channels; the core imports none of this.
 */
export async function startTelemetry(
  config: Partial<Pick<AppConfig, 'metrics' | 'tracing'>>,
): Promise<Telemetry> {
  const stop = new AbortController();
  const closers: Array<() => Promise<void>> = [];
  const telemetry: Telemetry = {
    serve: (listener) => listener,
    async close() {
      stop.abort();
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
  try {
    if (config.metrics) {
      const { observedMetrics } = await import('./observed-metrics.js');
      const server = await observedMetrics(config.metrics, stop.signal);
      closers.push(server.close);
      telemetry.metricsUrl = server.url;
    }
    if (config.tracing) {
      const { observedTraces } = await import('./observed-traces.js');
      const traces = observedTraces(config.tracing, stop.signal);
      closers.push(() => withDeadline(traces.shutdown(), EXPORT_ON_CLOSE_MS));
      telemetry.serve = traces.serve;
    }
  } catch (error) {
    await telemetry.close();
    throw error;
  }
  return telemetry;
}

function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([work.catch(() => undefined), deadline]).finally(() => clearTimeout(timer));
}
