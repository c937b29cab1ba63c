import { onCall } from '../pingone/call-events.js';
import { callStep, type StepCallEvent } from './call-step.js';
import type { Metrics } from './create-metrics.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function statusClass(status: number | undefined): string {
  if (status === undefined || status < 100 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx`;
}

export function countCalls(metrics: Metrics, signal: AbortSignal): void {
  onCall(
    undefined,
    (event: StepCallEvent) => {
      const step = callStep(event);
      const labels = {
        step: step === undefined ? 'none' : String(step.step),
        step_name: step?.name ?? 'none',
        method: METHODS.has(event.method) ? event.method : 'other',
        status_class: statusClass(event.status),
      };
      metrics.pingoneCallSeconds.observe(labels, event.durationMs / 1000);
      metrics.pingoneCalls.inc({
        ...labels,
        attempt: event.attempt > 1 ? 'retry' : 'first',
        will_retry: String(event.willRetry),
      });
    },
    signal,
  );
}
