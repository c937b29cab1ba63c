import { rateLimitedChannel, type RateLimitedEvent } from '../http/rate-limit-events.js';
import type { Metrics } from './create-metrics.js';
import { subscribe } from './subscribe.js';

export function countRateLimited(metrics: Metrics, signal: AbortSignal): void {
  subscribe<RateLimitedEvent>(
    rateLimitedChannel,
    (event) => metrics.rateLimited.inc({ action: event.action, scope: event.scope }),
    signal,
  );
}
