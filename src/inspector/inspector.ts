import type { RequestHandler, Router } from 'express';
import type { ApprovalObserver } from '../approval/approval-observer.js';
import type { FlowClient, TokenClient } from '../pingone/flow.js';
import type { CallReport, FetchLike } from '../pingone/http.js';
import { describeChecks } from './checks.js';
import { inspectorHttp } from './inspector-http.js';
import type { InspectorOptions } from './inspector-options.js';
import { createRecorder } from './recorder.js';
import { createSmsReader } from './sms-outbox.js';
import { checksStep, resultStep } from './steps.js';
import { traceFlows } from './traced-flows.js';
import { traceTokenFetch, traceTokens } from './traced-tokens.js';
import { MemoryTraceStore } from './trace-store.js';

export type { InspectorOptions } from './inspector-options.js';
export type { InspectorLocals } from './inspector-http.js';

export interface Inspector extends ApprovalObserver {
  /** Binds a request to the traced clients and gives views `inspector.timeline()`. */
  middleware: RequestHandler;
  /** `GET /approvals/:id/trace.json`. */
  routes: Router;
  /** Feed of the HTTP client's call reports (status, duration, retries). */
  onCall(report: CallReport): void;
  flows(inner: FlowClient): FlowClient;
  tokens(inner: TokenClient): TokenClient;
  /** Wraps the token client's fetch to read the token response (to decode it, never to keep it). */
  fetch(base: FetchLike): FetchLike;
}

/**
 * The inspector: records what travels between the browser, the relying party and PingOne for
 * one approval, and shows it as a timeline and as JSON. It wraps the flow and token clients
 * (so the approval code does not change shape), learns the request it serves from an
 * AsyncLocalStorage scope its middleware opens, and keeps the trace in the session next to the
 * flow state. With the inspector off none of this is constructed.
 */
export function createInspector(options: InspectorOptions): Inspector {
  const now = options.now ?? (() => new Date());
  const store = options.store ?? new MemoryTraceStore(now);
  const rec = createRecorder({
    mode: options.mode,
    ui: options.ui,
    clientSecret: options.clientSecret,
    now,
  });
  const { scope, record } = rec;
  const { urls } = options;
  const { middleware, routes } = inspectorHttp(rec, options, store);

  const expectations = {
    issuer: urls.issuer,
    clientId: options.clientId,
    policyName: options.policyName,
    username: options.username,
    ...(options.userId ? { userId: options.userId } : {}),
  };

  return {
    middleware,
    routes,
    onCall(report) {
      scope.getStore()?.reports.push(report);
    },
    flows: traceFlows(rec, options, createSmsReader(options)),
    tokens: traceTokens(rec, options),
    fetch: traceTokenFetch(rec, urls),

    tokenChecked(at, input) {
      const s = scope.getStore();
      const { checks, verdict, ok } = describeChecks(input, expectations, s?.idToken, now());
      record(s, at.session, checksStep(checks, verdict, ok, now()));
    },

    async settled(at, transfer, result) {
      const trace = at.session.trace;
      if (!trace || trace.transferId !== transfer.id) return;
      const approved = result.outcome === 'approved' || result.outcome === 'already-approved';
      const approvalId = approved
        ? (await options.approvals.get(transfer.id).catch(() => undefined))?.approvalId
        : undefined;
      trace.outcome = result.outcome;
      if (approvalId) trace.approvalId = approvalId;
      record(
        scope.getStore(),
        at.session,
        resultStep({
          outcome: result.outcome,
          request: at.line,
          ...(result.reason ? { reason: result.reason } : {}),
          ...(result.pingoneErrorId ? { pingoneErrorId: result.pingoneErrorId } : {}),
          ...(approvalId ? { approvalId } : {}),
          now: now(),
        }),
      );
      // The session keeps the trace; the store is the second copy (and a teaching aid must
      // never fail an approval).
      await store.put(trace).catch(() => undefined);
    },
  };
}
