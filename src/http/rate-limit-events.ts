import diagnostics_channel from 'node:diagnostics_channel';
import type { LimitedAction } from '../errors.js';

/** A request refused by a rate limit: which action and which of its counters. */
export interface RateLimitedEvent {
  action: LimitedAction;
  scope: 'browser' | 'address' | 'user' | 'environment';
}

/**
 * Published once per refusal (src/http/rate-limit.ts) for whoever counts them, the metrics; the
 * log line `rate.limited` says the same for a person reading the logs.
 */
export const rateLimitedChannel = diagnostics_channel.channel('http.rate_limited');
