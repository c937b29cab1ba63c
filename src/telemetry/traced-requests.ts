import type { RequestListener } from 'node:http';
import { context, propagation, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { RequestTrace, withRequestTrace } from './request-trace.js';

/** Probes and static files: a trace each would bury the approvals. */
const UNTRACED = /^\/(healthz|assets\/)/;

export function tracedRequests(listener: RequestListener, tracer: Tracer): RequestListener {
  return (req, res) => {
    if (UNTRACED.test(req.url ?? '')) {
      listener(req, res);
      return;
    }
    const incoming = propagation.extract(ROOT_CONTEXT, req.headers);
    const scope = new RequestTrace(req, tracer, incoming);
    res.once('close', () => {
      try {
        scope.end(res);
      } catch {
        // A span that cannot end is lost; the request it describes is not.
      }
    });
    context.with(withRequestTrace(ROOT_CONTEXT, scope), () => listener(req, res));
  };
}
