import type { PingOneFailure } from '../approval/approval-events.js';

// Built from the `approval.event` and `pingone.call` channels, which carry no secret, code, cookie or token.

export type Lane = 'you' | 'rp' | 'pingone';

type StepKind =
  | 'setup'
  | 'browser'
  | 'authorize'
  | 'sms'
  | 'otp.check'
  | 'resume'
  | 'callback'
  | 'token'
  | 'checks'
  | 'result';

export interface TraceSection {
  title: string;
  fields?: Array<[name: string, value: string]>;
  json?: unknown;
  note?: string;
}

export type TraceError = Omit<PingOneFailure, 'details'>;

export interface TraceStep {
  n: number;
  workflowStep?: number;
  kind: StepKind;
  from: Lane;
  to: Lane;
  title: string;
  request: string;
  response?: string;
  ok: boolean;
  at: string;
  http?: { method: string; url: string; status?: number; durationMs?: number; attempts?: number };
  error?: TraceError;
  summary: string;
  sections: TraceSection[];
  doc?: { title: string; href: string };
  outbox?: { maskedPhone?: string };
}

export interface Trace {
  version: 1;
  transferId: string;
  approvalId?: string;
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  startedAt: string;
  transfer?: { amount: string; currency: string; payee: string };
  outcome?: string;
  steps: TraceStep[];
  omitted?: number;
}

/** Session budget: enough for a few wrong codes and resends; older steps are dropped first. */
export const MAX_STEPS = 40;
// A trace never makes a session row large, whatever PingOne answers.
export const MAX_TRACE_CHARS = 32_000;
export const MAX_STRING = 1_500;

export function newTrace(
  transferId: string,
  mode: Trace['mode'],
  ui: Trace['ui'],
  now: Date,
): Trace {
  return { version: 1, transferId, mode, ui, startedAt: now.toISOString(), steps: [] };
}

function capValue<T>(value: T, depth = 0): T {
  if (typeof value === 'string') {
    return (value.length > MAX_STRING
      ? `${value.slice(0, MAX_STRING)}… (cut)`
      : value) as unknown as T;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => capValue(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 60)) {
    out[k] = capValue(v, depth + 1);
  }
  return out as T;
}

export function appendStep(trace: Trace, step: Omit<TraceStep, 'n'>): TraceStep {
  const last = trace.steps[trace.steps.length - 1];
  const numbered: TraceStep = { ...capValue(step), n: (last?.n ?? 0) + 1 };
  trace.steps.push(numbered);
  while (
    trace.steps.length > 2 &&
    (trace.steps.length > MAX_STEPS || JSON.stringify(trace).length > MAX_TRACE_CHARS)
  ) {
    trace.steps.splice(1, 1);
    trace.omitted = (trace.omitted ?? 0) + 1;
  }
  return numbered;
}
