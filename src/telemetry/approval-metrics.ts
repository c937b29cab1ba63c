import { onApprovalEvent, type ApprovalEvent } from './approval-events.js';
import type { Metrics } from './create-metrics.js';

/** The `reason` label of txapproval_approvals_refused_total: a closed set. */
export const REFUSAL_REASONS = [
  'declined',
  'locked',
  'expired',
  'pingone_failure',
  'token_rejected',
  'store_failure',
  'other',
] as const;

const KNOWN: ReadonlySet<string> = new Set(REFUSAL_REASONS);

/** Why a settled approval was not approved, as a label pair; undefined when it was approved. */
export function refusalOf(event: ApprovalEvent): { reason: string; step: string } | undefined {
  const { outcome } = event;
  if (outcome === 'approved' || outcome === 'already-approved') return undefined;
  const step = event.step !== undefined && event.step >= 16 && event.step <= 19;
  let reason = 'other';
  if (outcome === 'declined' || outcome === 'locked' || outcome === 'expired') reason = outcome;
  else if (event.reason && KNOWN.has(event.reason)) reason = event.reason;
  else if (step) reason = 'pingone_failure';
  return { reason, step: step ? String(event.step) : 'none' };
}

/** A flow lives 10 minutes at PingOne (docs/pingone-contract.md §9): no approval is in flight longer. */
const FLOW_LIFETIME_MS = 10 * 60_000;

export interface ApprovalMetricsOptions {
  /** How long a started approval counts as in flight without settling (default: a flow's lifetime). */
  inFlightMs?: number;
  now?: () => number;
}

/**
 * Counts approvals from the core's events until `signal` aborts. In flight: started here and not
 * settled; an approval abandoned (the tab closed) or settled on another instance stops counting
 * when its flow would have expired at PingOne.
 */
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
  onApprovalEvent((event) => {
    switch (event.kind) {
      case 'started':
        metrics.approvalsStarted.inc();
        if (event.transferId) {
          started.delete(event.transferId);
          started.set(event.transferId, now());
        }
        break;
      case 'sms-sent':
        metrics.smsSent.inc();
        break;
      case 'code-wrong':
        metrics.wrongCodes.inc();
        break;
      case 'settled': {
        if (event.transferId) started.delete(event.transferId);
        if (event.outcome === 'already-approved') break;
        const refused = refusalOf(event);
        if (refused) metrics.approvalsRefused.inc(refused);
        else metrics.approvalsApproved.inc();
        break;
      }
      default:
        break;
    }
  }, signal);
}
