import type { AsyncLocalStorage } from 'node:async_hooks';
import { Router, type Request } from 'express';
import type { ApprovalRecord } from '../approval/approval-store.js';
import { measureSms, type SmsMeasure } from '../approval/sms-encoding.js';
import { transferSms, type SmsTransfer } from '../approval/sms-text.js';
import { NotFoundError } from '../errors.js';
import type { InspectorOptions, RequestScope } from './request-scope.js';
import { smsStep } from './start-steps.js';
import type { StepDraft } from './step-parts.js';
import type { Lane, Trace, TraceStep } from './trace.js';
import type { TraceStore } from './trace-store.js';

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
  scope: AsyncLocalStorage<RequestScope>,
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

  const router = Router();
  router.use(async (req, res, next) => {
    const stored = await storedResultTrace(req);
    const sms = await smsOf(req.session.trace ?? stored);
    res.locals.inspector = {
      timeline(record?: ApprovalRecord) {
        const own = req.session.trace;
        const current = record
          ? record.transferId
          : (req.session.flow?.transferId ??
            req.session.result?.transferId ??
            req.session.transfer?.id);
        const trace = [own, stored].find((t) => t && t.transferId === current);
        return trace && trace.steps.length ? timelineView(withSms(trace, sms), setup) : undefined;
      },
    };
    const line = `${req.method} ${req.path}`;
    scope.run({ session: () => req.session, line, calls: [], drawn: new Set() }, next);
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

const ORDER: Record<Lane, number> = { you: 0, rp: 1, pingone: 2 };
const NAMES: Record<Lane, string> = { you: 'You', rp: 'Relying party', pingone: 'PingOne' };

function meta(step: TraceStep): string {
  if (step.http) {
    const parts = [
      step.http.status === undefined ? 'no answer' : String(step.http.status),
      `${step.http.durationMs ?? 0} ms`,
    ];
    if (step.http.attempts) parts.push(`${step.http.attempts} attempts`);
    return parts.join(' · ');
  }
  return `${step.at.slice(11, 19)} UTC`;
}

function badgeOf(step: TraceStep): { badge: string; badgeLabel: string } {
  if (step.kind === 'setup') return { badge: '1–15', badgeLabel: 'Workflow steps 1 to 15' };
  if (step.workflowStep !== undefined) {
    return { badge: String(step.workflowStep), badgeLabel: `Workflow step ${step.workflowStep}` };
  }
  return { badge: '', badgeLabel: 'Our own step' };
}

// The step as stored, with what views/partials/timeline.ejs draws from it.
function timelineRow(step: TraceStep) {
  const a = ORDER[step.from];
  const b = ORDER[step.to];
  const lanes = [step.from, step.to].sort((x, y) => ORDER[x] - ORDER[y]);
  return {
    ...step,
    ...badgeOf(step),
    meta: meta(step),
    span: a === b ? 'self' : `${lanes[0]}-${lanes[1]}`,
    dir: a === b ? 'self' : a < b ? 'right' : 'left',
    direction:
      a === b ? `${NAMES[step.from]}, internally` : `${NAMES[step.from]} to ${NAMES[step.to]}`,
    sections: step.sections.map((s) => ({
      ...s,
      ...(s.json !== undefined && { json: JSON.stringify(s.json, null, 2) }),
    })),
    pingoneErrorId: step.error?.pingoneErrorId,
  };
}

function timelineView(trace: Trace, setup: StepDraft) {
  return {
    rows: [{ ...setup, n: 0 }, ...trace.steps].map(timelineRow),
    jsonUrl: `/approvals/${encodeURIComponent(trace.approvalId ?? trace.transferId)}/trace.json`,
    omitted: trace.omitted ?? 0,
    finished: trace.outcome !== undefined,
  };
}

// The outbox read is a local call; it must not hold the page up.
const SMS_TIMEOUT_MS = 1_000;

type SmsReading = { text: string; measure: SmsMeasure } | { unreadable: string };

// The demo phone is shared and the outbox knows no flows: a message is this transfer's only when its
// text is the template rendered with this transfer and its own code; otherwise nothing is shown.
async function readSms(
  options: Pick<InspectorOptions, 'smsOutboxUrl' | 'phoneHint'>,
  transfer: SmsTransfer,
): Promise<SmsReading> {
  if (!options.smsOutboxUrl) return { unreadable: 'no outbox to read' };
  const url = new URL(options.smsOutboxUrl);
  if (options.phoneHint) url.searchParams.set('to', options.phoneHint);
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) return { unreadable: `HTTP ${res.status}` };
    const list: unknown = await res.json();
    const messages = Array.isArray(list) ? (list as Array<{ text?: unknown; otp?: unknown }>) : [];
    const mine = messages.find(
      (m): m is { text: string; otp: string } =>
        typeof m.text === 'string' &&
        typeof m.otp === 'string' &&
        m.otp.length >= 4 &&
        m.text === transferSms(transfer, m.otp),
    );
    if (!mine) return { unreadable: 'no message with this transfer’s text' };
    const { text, otp: code } = mine;
    // Measured before masking: the mask is not in the GSM alphabet, the code's digits are.
    return { text: text.split(code).join('•'.repeat(code.length)), measure: measureSms(text) };
  } catch (error) {
    return { unreadable: error instanceof Error ? error.name : 'failed' };
  }
}
