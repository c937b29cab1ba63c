import { Router, type Request, type RequestHandler } from 'express';
import type { ApprovalRecord } from '../approval/approval-store.js';
import { NotFoundError } from '../errors.js';
import type { InspectorOptions } from './inspector-options.js';
import type { Recorder } from './recorder.js';
import { timelineView, type TimelineView } from './timeline-view.js';
import type { Trace } from './trace.js';
import type { TraceStore } from './trace-store.js';

/** Helpers the views call (res.locals.inspector). */
export interface InspectorLocals {
  timeline(record?: ApprovalRecord): TimelineView | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The inspector's side of HTTP, the only part of it that sees the request: the middleware that
 * opens the request's scope and gives views `inspector.timeline()`, and the trace's JSON route.
 */
export function inspectorHttp(
  rec: Recorder,
  options: Pick<InspectorOptions, 'approvals' | 'clientSecret'>,
  store: TraceStore,
): { middleware: RequestHandler; routes: Router } {
  const { scope } = rec;
  const ownedTrace = async (req: Request, id: string): Promise<Trace | undefined> => {
    const own = req.session.trace;
    if (own && (own.transferId === id || own.approvalId === id)) return own;
    // The session's copy may be gone (a lost write): the approval store says whether this
    // session's transfer was approved, and the trace store has its trace.
    const transferId = req.session.result?.transferId ?? req.session.transfer?.id;
    if (!transferId) return undefined;
    const record = await options.approvals.get(transferId);
    if (!record || (record.approvalId !== id && record.transferId !== id)) return undefined;
    return store.get(record.approvalId);
  };

  const routes = Router();
  routes.get('/approvals/:id/trace.json', async (req, res) => {
    const id = req.params.id;
    const trace = UUID.test(id) ? await ownedTrace(req, id) : undefined;
    // Someone else's approval, a finished session or a made-up id all look the same: 404.
    if (!trace) throw new NotFoundError();
    res.set('Cache-Control', 'no-store');
    res.set('Content-Disposition', `inline; filename="approval-trace-${id}.json"`);
    res.type('application/json').send(JSON.stringify(trace, null, 2));
  });

  /**
   * The finished approval's trace from the store, read before the page renders (views call
   * `timeline()` synchronously), only for the result page (the one view that shows a finished
   * approval), and only when the session has no copy of its own: another instance finished it,
   * or the session's copy was lost.
   */
  const storedResultTrace = async (req: Request): Promise<Trace | undefined> => {
    if (req.method !== 'GET' || req.path !== '/approvals/result') return undefined;
    const transferId = req.session?.result?.transferId;
    if (!transferId || req.session.trace?.transferId === transferId) return undefined;
    return ownedTrace(req, transferId).catch(() => undefined);
  };

  const locals = (req: Request, stored: Trace | undefined): InspectorLocals => ({
    timeline(record) {
      const own = req.session.trace;
      let trace: Trace | undefined;
      if (record) {
        trace =
          own?.transferId === record.transferId
            ? own
            : stored?.transferId === record.transferId
              ? stored
              : undefined;
      } else {
        const current =
          req.session.flow?.transferId ??
          req.session.result?.transferId ??
          req.session.transfer?.id;
        if (own && own.transferId === current) trace = own;
      }
      return trace && trace.steps.length ? timelineView(trace) : undefined;
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    void storedResultTrace(req).then((stored) => {
      res.locals.inspector = locals(req, stored);
      scope.run(
        {
          session: () => req.session,
          reports: [],
          secrets: new Set([options.clientSecret]),
        },
        next,
      );
    });
  };

  return { middleware, routes };
}
