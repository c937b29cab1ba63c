import { onApprovalEvent, type EventOf } from '../approval/approval-events.js';
import type { Metrics } from './create-metrics.js';

export function refusalOf(event: EventOf<'settled'>): { reason: string; step: string } | undefined {
  if (event.outcome === 'approved' || event.outcome === 'already-approved') return undefined;
  return { reason: event.reason, step: event.step === undefined ? 'none' : String(event.step) };
}

/** A flow lives 10 minutes at PingOne (docs/pingone-contract.md §9): no approval is in flight longer. */
const FLOW_LIFETIME_MS = 10 * 60_000;

export interface ApprovalMetricsOptions {
  inFlightMs?: number;
  now?: () => number;
}

// An approval abandoned or settled on another instance stops counting when its flow would expire.
export function countApprovals(
  metrics: Metrics,
  options: ApprovalMetricsOptions,
  signal: AbortSignal,
): void {
  const now = options.now ?? Date.now;
  const inFlightMs = options.inFlightMs ?? FLOW_LIFETIME_MS;
  const started = new Map<string, number>();
  const forgetStale = () => {
    const before = now() - inFlightMs;
    for (const [id, at] of started) {
      // A Map iterates in insertion order: the first one still fresh ends the sweep.
      if (at > before) break;
      started.delete(id);
    }
  };
  metrics.countInFlight(() => {
    forgetStale();
    return started.size;
  });
  onApprovalEvent(
    undefined,
    (event) => {
      switch (event.kind) {
        case 'started':
          metrics.approvalsStarted.inc();
          // Re-inserted: a new code for the same transfer moves it to the end of the sweep.
          started.delete(event.transferId);
          started.set(event.transferId, now());
          break;
        case 'sms-sent':
          metrics.smsSent.inc();
          break;
        case 'code-wrong':
          metrics.wrongCodes.inc();
          break;
        case 'pingone-failed':
          metrics.pingoneFailures.inc({
            step: String(event.step),
            call: event.call,
            transient: String(event.transient),
          });
          break;
        case 'settled': {
          started.delete(event.transferId);
          if (event.outcome === 'already-approved') break;
          const refused = refusalOf(event);
          if (refused) metrics.approvalsRefused.inc(refused);
          else metrics.approvalsApproved.inc();
          break;
        }
        default:
          break;
      }
    },
    signal,
  );
}
