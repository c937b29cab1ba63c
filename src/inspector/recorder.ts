import { AsyncLocalStorage } from 'node:async_hooks';
import type { ObservedRequest } from '../approval/approval-observer.js';
import type { CallEvent } from '../pingone/call-events.js';
import { scrub, type DecodedJwt } from './redact.js';
import { startStep, type StepDraft } from './steps.js';
import { appendStep, newTrace, type Trace } from './trace.js';

declare module 'express-session' {
  interface SessionData {
    /** The inspector's record of the current approval (inspector on only; capped). */
    trace?: Trace;
  }
}

export type TracedSession = ObservedRequest['session'];

/** What one request collected while it ran; never stored as such. */
export interface RequestScope {
  /** The request's current session (read late: a rotation replaces it mid-request). */
  session(): TracedSession;
  /** The `pingone.call` events of this request's calls. */
  reports: CallEvent[];
  /** Every secret value this request handled: scrubbed from anything recorded. */
  secrets: Set<string>;
  /** The token step's ID token, decoded, for the checks step that follows it. */
  idToken?: DecodedJwt;
}

/** How every part of the inspector writes into the session's trace. */
export interface Recorder {
  /** The request being served, opened by the inspector's middleware. */
  scope: AsyncLocalStorage<RequestScope>;
  now: () => Date;
  record(s: RequestScope | undefined, session: TracedSession, draft: StepDraft): void;
  keep(s: RequestScope, ...values: Array<string | undefined>): void;
  begin(s: RequestScope, transferId: string | undefined): void;
}

export function createRecorder(options: {
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  clientSecret: string;
  now: () => Date;
}): Recorder {
  const { now } = options;
  const scope = new AsyncLocalStorage<RequestScope>();

  // A teaching aid must never break an approval: recording failures are swallowed.
  const record = (s: RequestScope | undefined, session: TracedSession, draft: StepDraft) => {
    const trace = session.trace;
    if (!trace) return;
    try {
      appendStep(trace, scrub(draft, s?.secrets ?? new Set([options.clientSecret])));
    } catch {
      trace.omitted = (trace.omitted ?? 0) + 1;
    }
  };

  const keep = (s: RequestScope, ...values: Array<string | undefined>) => {
    for (const v of values) if (v) s.secrets.add(v);
  };

  /** The session's trace for this transfer; a new one for a new transfer, a row for a resend. */
  const begin = (s: RequestScope, transferId: string | undefined) => {
    const session = s.session();
    if (!transferId) return;
    const existing = session.trace;
    const fresh = !existing || existing.transferId !== transferId;
    if (fresh) session.trace = newTrace(transferId, options.mode, options.ui, now());
    const transfer = session.transfer;
    if (transfer && transfer.id === transferId)
      record(s, s.session(), startStep(transfer, !fresh, now()));
  };

  return { scope, now, record, keep, begin };
}
