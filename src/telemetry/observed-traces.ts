import type { RequestListener } from 'node:http';
import type { TracingConfig } from '../config.js';
import { traceApprovalEvents } from './approval-spans.js';
import { traceCalls } from './call-spans.js';
import { tracedRequests } from './traced-requests.js';
import { startTracingSdk } from './tracing-sdk.js';

export function observedTraces(config: TracingConfig, signal: AbortSignal) {
  const sdk = startTracingSdk(config);
  traceCalls(sdk.tracer, signal);
  traceApprovalEvents(signal);
  return {
    serve: (listener: RequestListener) => tracedRequests(listener, sdk.tracer),
    shutdown: () => sdk.shutdown(),
  };
}
