import type { RequestHandler, Router } from 'express';
import type { ApprovalObserver } from '../approval/approval-observer.js';
import { onCall } from '../pingone/call-events.js';
import { approvalSteps } from './approval-steps.js';
import { describeChecks } from './checks.js';
import { inspectorHttp } from './inspector-http.js';
import type { InspectorOptions } from './inspector-options.js';
import { createRecorder } from './recorder.js';
import { createSmsReader } from './sms-outbox.js';
import { checksStep, resultStep } from './steps.js';
import { MemoryTraceStore } from './trace-store.js';

export type { InspectorOptions } from './inspector-options.js';
export type { InspectorLocals } from './inspector-http.js';

export interface Inspector extends ApprovalObserver {
  /** Binds a request to the traced clients and gives views `inspector.timeline()`. */
  middleware: RequestHandler;
  /** `GET /approvals/:id/trace.json`. */
  routes: Router;
}

/**
 * The inspector: records what travels between the browser, the relying party and PingOne for
 * one approval, and shows it as a timeline and as JSON. It listens: to the approval core's
 * events (it is the core's ApprovalObserver) and to the `pingone.call` events of the app's
 * HTTP client, which it files under the request they served through an AsyncLocalStorage
 * scope its middleware opens (a channel's subscribers run in the publisher's context). It keeps
 * the trace in the session next to the flow state. With the inspector off none of this is built.
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

  onCall(options.client, (event) => scope.getStore()?.reports.push(event), options.signal);

  return {
    middleware,
    routes,
    tell: approvalSteps(rec, options, createSmsReader(options)),

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
