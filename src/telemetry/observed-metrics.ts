import type { MetricsConfig } from '../config.js';
import { countApprovals } from './approval-metrics.js';
import { countCalls } from './call-metrics.js';
import { createMetrics } from './create-metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { countRateLimited } from './rate-limit-metrics.js';
import { timeStoreOps } from './store-metrics.js';

export async function observedMetrics(
  config: MetricsConfig,
  signal: AbortSignal,
): Promise<MetricsServer> {
  const metrics = createMetrics();
  const server = await startMetricsServer(metrics.registry, config);
  countCalls(metrics, signal);
  countApprovals(metrics, {}, signal);
  countRateLimited(metrics, signal);
  timeStoreOps(metrics, signal);
  return server;
}
