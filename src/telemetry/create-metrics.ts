import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric the app exports, in one registry of its own (docs/operations.md, Metrics). */
export type Metrics = ReturnType<typeof createMetrics>;

/** A person waits on every one of these calls: most answer in tens of milliseconds. */
const CALL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A session read from SQLite takes microseconds, an fsync or a Redis round trip milliseconds. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

// Every label comes from a closed set: no payee, phone, user or transfer id can become a label value.
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  let inFlight = () => 0;
  return {
    registry,
    countInFlight(count: () => number) {
      inFlight = count;
    },
    pingoneCalls: new Counter({
      name: 'txapproval_pingone_calls_total',
      help: 'PingOne calls, one per attempt, by workflow step, method, status class and retry.',
      labelNames: ['step', 'step_name', 'method', 'status_class', 'attempt', 'will_retry'],
      registers,
    }),
    pingoneCallSeconds: new Histogram({
      name: 'txapproval_pingone_call_duration_seconds',
      help: 'How long one PingOne call attempt took, by workflow step, method and status class.',
      labelNames: ['step', 'step_name', 'method', 'status_class'],
      buckets: CALL_BUCKETS,
      registers,
    }),
    approvalsStarted: new Counter({
      name: 'txapproval_approvals_started_total',
      help: 'Approvals started: a flow was asked of PingOne for a transfer.',
      registers,
    }),
    approvalsApproved: new Counter({
      name: 'txapproval_approvals_approved_total',
      help: 'Approvals recorded as approved.',
      registers,
    }),
    approvalsRefused: new Counter({
      name: 'txapproval_approvals_refused_total',
      help: 'Approvals that ended without approval, by reason (and the PingOne step that failed).',
      labelNames: ['reason', 'step'],
      registers,
    }),
    pingoneFailures: new Counter({
      name: 'txapproval_approval_pingone_failures_total',
      help: 'PingOne failures met by approvals, by workflow step, call and whether transient (a 502/503 page, nothing settled).',
      labelNames: ['step', 'call', 'transient'],
      registers,
    }),
    wrongCodes: new Counter({
      name: 'txapproval_approval_wrong_codes_total',
      help: 'Codes PingOne refused as wrong; an approval may see several and still be approved.',
      registers,
    }),
    smsSent: new Counter({
      name: 'txapproval_sms_sent_total',
      help: 'Codes texted: authorize answered OTP_REQUIRED.',
      registers,
    }),
    inFlight: new Gauge({
      name: 'txapproval_approvals_in_flight',
      help: 'Approvals started on this instance and not yet settled (forgotten after the flow lifetime).',
      registers,
      collect() {
        this.set(inFlight());
      },
    }),
    rateLimited: new Counter({
      name: 'txapproval_rate_limited_total',
      help: 'Requests refused with 429 by a rate limit, by action (sms, code) and scope.',
      labelNames: ['action', 'scope'],
      registers,
    }),
    storeSeconds: new Histogram({
      name: 'txapproval_store_operation_duration_seconds',
      help: 'Session and approval store operations, by backend, operation and outcome (ok, error).',
      labelNames: ['backend', 'op', 'outcome'],
      buckets: STORE_BUCKETS,
      registers,
    }),
  };
}
