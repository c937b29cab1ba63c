import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { onApprovalEvent } from '../approval/approval-events.js';
import type { MetricsConfig } from '../config.js';
import { rateLimitedChannel, type RateLimitedEvent } from '../http/rate-limit.js';
import { onCall, onChannel, type CallEvent } from '../pingone/call-events.js';
import { storeOpChannel, type StoreOpEvent } from '../store/store-ops.js';
import { callStep } from './call-step.js';

export type Metrics = ReturnType<typeof createMetrics>;

// A person waits on every one of these calls: most answer in tens of milliseconds.
const CALL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// A session read from SQLite takes microseconds, an fsync or a Redis round trip milliseconds.
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

// Every label comes from a closed set: no payee, phone, user or transfer id can become a label value.
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
    new Counter({ name: `txapproval_${name}`, help, labelNames, registers });
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    buckets: number[],
  ) => new Histogram({ name: `txapproval_${name}`, help, labelNames, buckets, registers });
  let inFlight = () => 0;
  return {
    registry,
    countInFlight(count: () => number) {
      inFlight = count;
    },
    pingoneCalls: counter(
      'pingone_calls_total',
      'PingOne calls, one per attempt, by workflow step, method, status class and retry.',
      ['step', 'step_name', 'method', 'status_class', 'attempt', 'will_retry'],
    ),
    pingoneCallSeconds: histogram(
      'pingone_call_duration_seconds',
      'How long one PingOne call attempt took, by workflow step, method and status class.',
      ['step', 'step_name', 'method', 'status_class'],
      CALL_BUCKETS,
    ),
    approvalsStarted: counter(
      'approvals_started_total',
      'Approvals started: a flow was asked of PingOne for a transfer.',
    ),
    approvalsApproved: counter('approvals_approved_total', 'Approvals recorded as approved.'),
    approvalsRefused: counter(
      'approvals_refused_total',
      'Approvals that ended without approval, by reason (and the PingOne step that failed).',
      ['reason', 'step'],
    ),
    pingoneFailures: counter(
      'approval_pingone_failures_total',
      'PingOne failures met by approvals, by workflow step, call and whether transient (a 502/503 page, nothing settled).',
      ['step', 'call', 'transient'],
    ),
    wrongCodes: counter(
      'approval_wrong_codes_total',
      'Codes PingOne refused as wrong; an approval may see several and still be approved.',
    ),
    smsSent: counter('sms_sent_total', 'Codes texted: authorize answered OTP_REQUIRED.'),
    inFlight: new Gauge({
      name: 'txapproval_approvals_in_flight',
      help: 'Approvals started on this instance and not yet settled (forgotten after the flow lifetime).',
      registers,
      collect() {
        this.set(inFlight());
      },
    }),
    rateLimited: counter(
      'rate_limited_total',
      'Requests refused with 429 by a rate limit, by action (sms, code) and scope.',
      ['action', 'scope'],
    ),
    storeSeconds: histogram(
      'store_operation_duration_seconds',
      'Session and approval store operations, by backend, operation and outcome (ok, error).',
      ['backend', 'op', 'outcome'],
      STORE_BUCKETS,
    ),
  };
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function statusClass(status: number | undefined): string {
  if (status === undefined || status < 100 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx`;
}

export function countCalls(metrics: Metrics, signal: AbortSignal): void {
  onCall(
    undefined,
    (event: CallEvent) => {
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

/** A flow lives 10 minutes at PingOne (docs/pingone-contract.md §9): no approval is in flight longer. */
const FLOW_LIFETIME_MS = 10 * 60_000;

// An approval abandoned or settled on another instance stops counting when its flow would expire.
export function countApprovals(
  metrics: Metrics,
  options: { inFlightMs?: number; now?: () => number },
  signal: AbortSignal,
): void {
  const now = options.now ?? Date.now;
  const inFlightMs = options.inFlightMs ?? FLOW_LIFETIME_MS;
  const started = new Map<string, number>();
  metrics.countInFlight(() => {
    const before = now() - inFlightMs;
    for (const [id, at] of started) {
      // A Map iterates in insertion order: the first one still fresh ends the sweep.
      if (at > before) break;
      started.delete(id);
    }
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
        case 'settled':
          started.delete(event.transferId);
          if (event.outcome === 'approved') metrics.approvalsApproved.inc();
          else if (event.outcome !== 'already-approved') {
            const step = event.step === undefined ? 'none' : String(event.step);
            metrics.approvalsRefused.inc({ reason: event.reason, step });
          }
          break;
      }
    },
    signal,
  );
}

// A scrape that takes longer than this is answered 503: collecting never holds a socket open.
const COLLECT_DEADLINE_MS = 5_000;

// A listener of its own: what the operator graphs is not readable by every visitor.
async function startMetricsServer(registry: Registry, options: { port: number; host: string }) {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('collect timed out')), COLLECT_DEADLINE_MS);
    });
    Promise.race([registry.metrics(), deadline])
      .then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        () => res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(),
      )
      .finally(() => clearTimeout(timer));
  });
  // Scrapers keep their connection; closing must not wait for them.
  server.keepAliveTimeout = 20_000;
  // Rejects when the listen fails (a taken port, say).
  await once(server.listen(options.port, options.host), 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

export async function observedMetrics(config: MetricsConfig, signal: AbortSignal) {
  const metrics = createMetrics();
  const server = await startMetricsServer(metrics.registry, config);
  countCalls(metrics, signal);
  countApprovals(metrics, {}, signal);
  onChannel<RateLimitedEvent>(
    rateLimitedChannel.name,
    undefined,
    (event) => metrics.rateLimited.inc({ action: event.action, scope: event.scope }),
    signal,
  );
  onChannel<StoreOpEvent>(
    storeOpChannel.name,
    undefined,
    (event) => {
      const labels = { backend: event.backend, op: event.op, outcome: event.ok ? 'ok' : 'error' };
      metrics.storeSeconds.observe(labels, event.durationMs / 1000);
    },
    signal,
  );
  return server;
}
