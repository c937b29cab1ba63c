import { storeOpChannel, type StoreOpEvent } from '../store/store-ops.js';
import type { Metrics } from './create-metrics.js';
import { subscribe } from './subscribe.js';

export function timeStoreOps(metrics: Metrics, signal: AbortSignal): void {
  subscribe<StoreOpEvent>(
    storeOpChannel,
    (event) => {
      const labels = { backend: event.backend, op: event.op, outcome: event.ok ? 'ok' : 'error' };
      metrics.storeSeconds.observe(labels, event.durationMs / 1000);
    },
    signal,
  );
}
