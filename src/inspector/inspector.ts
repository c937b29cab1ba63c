import { AsyncLocalStorage } from 'node:async_hooks';
import type { Router } from 'express';
import { onApprovalEvent } from '../approval/approval-events.js';
import { onCall } from '../pingone/call-events.js';
import { approvalSteps } from './approval-steps.js';
import { inspectorHttp } from './inspector-http.js';
import type { InspectorOptions, RequestScope } from './request-scope.js';
import { setupStep } from './start-steps.js';
import { MemoryTraceStore } from './trace-store.js';

export type { InspectorOptions } from './request-scope.js';

// Only subscribes (`approval.event`, `pingone.call`), filing each event under the request it was
// published in; the app mounts the router as an extension and imports nothing of it.
export function createInspector(options: InspectorOptions): Router {
  const store = options.store ?? new MemoryTraceStore();
  const scope = new AsyncLocalStorage<RequestScope>();
  const steps = approvalSteps(scope, options);

  onCall(undefined, (event) => scope.getStore()?.calls.push(event), options.signal);
  onApprovalEvent(
    undefined,
    (event) => {
      steps(event);
      if (event.kind !== 'settled') return;
      const trace = scope.getStore()?.session().trace;
      // The session keeps the trace; the store is the second copy, for another instance or a
      // lost session write (and a teaching aid never fails an approval).
      if (trace?.transferId === event.transferId) store.put(trace).catch(() => undefined);
    },
    options.signal,
  );
  return inspectorHttp(scope, options, store, setupStep(options.setupCalls, new Date()));
}
