import { Router, type Request } from 'express';
import type { ApprovalRecord } from '../approval/approval-store.js';
import { NotFoundError } from '../errors.js';
import type { InspectorOptions } from './inspector-options.js';
import type { Recorder } from './recorder.js';
import { readSms, type SmsReading } from './sms-outbox.js';
import { smsStep } from './start-steps.js';
import type { StepDraft } from './step-parts.js';
import { timelineView, type TimelineView } from './timeline-view.js';
import type { Trace } from './trace.js';
import type { TraceStore } from './trace-store.js';

export interface InspectorLocals {
  timeline(record?: ApprovalRecord): TimelineView | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withSms(trace: Trace, reading: SmsReading | undefined): Trace {
  if (!reading) return trace;
  const steps = trace.steps.map((step) => {
    if (!step.outbox) return step;
    const { maskedPhone } = step.outbox;
    const sms = smsStep({
      mode: 'embedded',
      ...reading,
      at: step.at,
      ...(maskedPhone && { maskedPhone }),
    });
    return { ...sms, n: step.n, outbox: step.outbox };
  });
  return { ...trace, steps };
}

// The only part of the inspector that sees the request.
export function inspectorHttp(
  rec: Recorder,
  options: InspectorOptions,
  store: TraceStore,
  setup: StepDraft,
): Router {
  const smsOf = (trace: Trace | undefined): Promise<SmsReading> | undefined =>
    trace?.transfer && options.mode === 'embedded' && trace.steps.some((s) => s.outbox)
      ? readSms(options, trace.transfer)
      : undefined;

  const ownedTrace = async (req: Request, id: string): Promise<Trace | undefined> => {
    const own = req.session.trace;
    if (own && (own.transferId === id || own.approvalId === id)) return own;
    // The session's copy may be gone (a lost write): the approval store says whether this
    // session's transfer was approved, and the trace store has its trace.
    const transferId = req.session.result?.transferId ?? req.session.transfer?.id;
    if (!transferId) return undefined;
    const record = await options.approvals.get(transferId);
    if (!record || (record.approvalId !== id && record.transferId !== id)) return undefined;
    return store.get(record.transferId);
  };

  // Read before the page renders (views call `timeline()` synchronously), only when the session has
  // no copy: another instance finished it, or the session's copy was lost.
  const storedResultTrace = async (req: Request): Promise<Trace | undefined> => {
    if (req.method !== 'GET' || req.path !== '/approvals/result') return undefined;
    const transferId = req.session?.result?.transferId;
    if (!transferId || req.session.trace?.transferId === transferId) return undefined;
    return ownedTrace(req, transferId).catch(() => undefined);
  };

  const locals = (
    req: Request,
    stored: Trace | undefined,
    sms: SmsReading | undefined,
  ): InspectorLocals => ({
    timeline(record) {
      const own = req.session.trace;
      const current = record
        ? record.transferId
        : (req.session.flow?.transferId ??
          req.session.result?.transferId ??
          req.session.transfer?.id);
      const trace = [own, stored].find((t) => t && t.transferId === current);
      return trace && trace.steps.length ? timelineView(withSms(trace, sms), setup) : undefined;
    },
  });

  const router = Router();
  router.use(async (req, res, next) => {
    const stored = await storedResultTrace(req);
    const sms = await smsOf(req.session.trace ?? stored);
    res.locals.inspector = locals(req, stored, sms);
    const line = `${req.method} ${req.path}`;
    rec.scope.run({ session: () => req.session, line, calls: [], drawn: new Set() }, next);
  });

  router.get('/approvals/:id/trace.json', async (req, res) => {
    const id = req.params.id;
    const trace = UUID.test(id) ? await ownedTrace(req, id) : undefined;
    // Someone else's approval, a finished session or a made-up id all look the same: 404.
    if (!trace) throw new NotFoundError();
    res.set('Cache-Control', 'no-store');
    res.set('Content-Disposition', `inline; filename="approval-trace-${id}.json"`);
    const shown = withSms(trace, await smsOf(trace));
    res.type('application/json').send(JSON.stringify(shown, null, 2));
  });

  return router;
}
