/**
 * The inspector's record of one approval: the steps the relying party took, as they crossed the
 * wire between the browser, this server and PingOne. It is built for people learning the
 * transaction-approval workflow and for support tickets, from the `approval.event` and
 * `pingone.call` channels, which carry no secret, code, cookie value or token to begin with.
 */

/** The three lifelines of the sequence: the person (browser and phone), us, PingOne. */
export type Lane = 'you' | 'rp' | 'pingone';

export type StepKind =
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

/** One labelled group in an expanded step: plain fields, a JSON value, or a sentence. */
export interface TraceSection {
  title: string;
  fields?: Array<[name: string, value: string]>;
  json?: unknown;
  note?: string;
}

/** What PingOne answered when it failed or refused; `pingoneErrorId` is what support asks for. */
export interface TraceError {
  code: string;
  /** The first `details[].code` (`INVALID_OTP`, `QUOTA_EXCEEDED`): what the error is about. */
  detail?: string;
  status?: number;
  pingoneErrorId?: string;
}

export interface TraceStep {
  /** 1-based position in the whole approval (kept when older steps are dropped). */
  n: number;
  /** The workflow's step number (16–19) for PingOne's steps; absent for our own. */
  workflowStep?: number;
  kind: StepKind;
  from: Lane;
  to: Lane;
  /** Short name: "authorize (pi.flow)". */
  title: string;
  /** The request line as the arrow's label: "GET /as/authorize". */
  request: string;
  /** The answer as the return arrow's label: "200 OTP_REQUIRED"; absent for one-way steps. */
  response?: string;
  ok: boolean;
  at: string;
  /** HTTP facts of a PingOne call. */
  http?: { method: string; url: string; status?: number; durationMs?: number; attempts?: number };
  error?: TraceError;
  /** One line for the collapsed row. */
  summary: string;
  sections: TraceSection[];
  /** The PingOne documentation page of this step. */
  doc?: { title: string; href: string };
  /** An SMS step whose text is read from the emulator's outbox when shown: where it went. */
  outbox?: { maskedPhone?: string };
}

export interface Trace {
  version: 1;
  /** The transfer being approved: one trace per transfer, across "send a new code". */
  transferId: string;
  /** Set once the transfer is approved (the id on the result page). */
  approvalId?: string;
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  startedAt: string;
  /** What the SMS says about the transfer: the emulator's message is matched by it. */
  transfer?: { amount: string; currency: string; payee: string };
  outcome?: string;
  steps: TraceStep[];
  /** Steps dropped to keep the session small (the oldest after the first). */
  omitted?: number;
}

/** Session budget: enough for a few wrong codes and resends; older steps are dropped first. */
export const MAX_STEPS = 40;
/**
 * Session budget in characters of JSON (a happy path with a wrong code is about 13 000): a
 * trace never makes a session row large, whatever PingOne answers.
 */
export const MAX_TRACE_CHARS = 32_000;
/** Longest string kept in a trace (a JSON value longer than this is cut). */
export const MAX_STRING = 1_500;

export function newTrace(
  transferId: string,
  mode: Trace['mode'],
  ui: Trace['ui'],
  now: Date,
): Trace {
  return { version: 1, transferId, mode, ui, startedAt: now.toISOString(), steps: [] };
}

/** Cuts long strings everywhere in a value (a claim set is not allowed to bloat the session). */
export function capValue<T>(value: T, depth = 0): T {
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

/** Appends a step, numbering it, and drops the oldest steps (after the first) over a budget. */
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
