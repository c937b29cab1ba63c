import type { StepDraft } from './step-parts.js';
import type { Lane, Trace, TraceStep } from './trace.js';

export interface TimelineRow {
  n: number;
  badge: string;
  badgeLabel: string;
  kind: TraceStep['kind'];
  title: string;
  summary: string;
  ok: boolean;
  meta: string;
  span: 'you-rp' | 'rp-pingone' | 'you-pingone' | 'self';
  dir: 'right' | 'left' | 'self';
  direction: string;
  request: string;
  response?: string;
  sections: Array<{
    title: string;
    fields?: Array<[string, string]>;
    json?: string;
    note?: string;
  }>;
  doc?: { title: string; href: string };
  pingoneErrorId?: string;
}

export interface TimelineView {
  rows: TimelineRow[];
  jsonUrl: string;
  omitted: number;
  finished: boolean;
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

function badgeOf(step: TraceStep): Pick<TimelineRow, 'badge' | 'badgeLabel'> {
  if (step.kind === 'setup') return { badge: '1–15', badgeLabel: 'Workflow steps 1 to 15' };
  if (step.workflowStep !== undefined) {
    return { badge: String(step.workflowStep), badgeLabel: `Workflow step ${step.workflowStep}` };
  }
  return { badge: '', badgeLabel: 'Our own step' };
}

export function timelineRow(step: TraceStep): TimelineRow {
  const a = ORDER[step.from];
  const b = ORDER[step.to];
  const lanes = [step.from, step.to].sort((x, y) => ORDER[x] - ORDER[y]);
  const span = a === b ? 'self' : (`${lanes[0]}-${lanes[1]}` as TimelineRow['span']);
  const row: TimelineRow = {
    n: step.n,
    ...badgeOf(step),
    kind: step.kind,
    title: step.title,
    summary: step.summary,
    ok: step.ok,
    meta: meta(step),
    span,
    dir: a === b ? 'self' : a < b ? 'right' : 'left',
    direction:
      a === b ? `${NAMES[step.from]}, internally` : `${NAMES[step.from]} to ${NAMES[step.to]}`,
    request: step.request,
    sections: step.sections.map((s) => {
      const out: TimelineRow['sections'][number] = { title: s.title };
      if (s.fields) out.fields = s.fields;
      if (s.json !== undefined) out.json = JSON.stringify(s.json, null, 2);
      if (s.note) out.note = s.note;
      return out;
    }),
  };
  if (step.response) row.response = step.response;
  if (step.doc) row.doc = step.doc;
  if (step.error?.pingoneErrorId) row.pingoneErrorId = step.error.pingoneErrorId;
  return row;
}

export function timelineView(trace: Trace, setup: StepDraft): TimelineView {
  return {
    rows: [{ ...setup, n: 0 }, ...trace.steps].map(timelineRow),
    jsonUrl: `/approvals/${encodeURIComponent(trace.approvalId ?? trace.transferId)}/trace.json`,
    omitted: trace.omitted ?? 0,
    finished: trace.outcome !== undefined,
  };
}
