import type { RequestListener } from 'node:http';
import type { AppConfig } from '../config.js';

export interface Telemetry {
  serve(listener: RequestListener): RequestListener;
  /** `http://host:port/metrics` when METRICS_PORT is set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

const EXPORT_ON_CLOSE_MS = 3_000;

// With neither configured nothing is loaded and nobody subscribes: the call path builds no events.
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
      const { observedMetrics } = await import('./metrics.js');
      const server = await observedMetrics(config.metrics, stop.signal);
      closers.push(server.close);
      telemetry.metricsUrl = server.url;
    }
    if (config.tracing) {
      const { observedTraces } = await import('./traces.js');
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
