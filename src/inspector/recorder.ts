import { AsyncLocalStorage } from 'node:async_hooks';
import type { Session, SessionData } from 'express-session';
import type { EventOf, Resumed } from '../approval/approval-events.js';
import type { CallEvent } from '../pingone/call-events.js';
import type { StepDraft } from './step-parts.js';
import { appendStep, newTrace, type Trace } from './trace.js';

declare module 'express-session' {
  interface SessionData {
    /** The inspector's record of the current approval (inspector on only; capped). */
    trace?: Trace;
  }
}

export type TracedSession = Session & Partial<SessionData>;

/**
 * What one request of this inspector collected while it ran, opened by its middleware. Both
 * channels' subscribers run in the publisher's async context, so an event published while
 * serving the request finds it, and an event of any other app finds none.
 */
export interface RequestScope {
  /** The request's current session (read late: a rotation replaces it mid-request). */
  session(): TracedSession;
  /** `POST /approvals/otp`. */
  line: string;
  /** The `pingone.call` events of this request's calls. */
  calls: CallEvent[];
  /** This request's step 16, for the authorize row drawn when its answer comes. */
  started?: EventOf<'started'>;
  resumed?: Resumed;
  /** The workflow steps that already have their PingOne row in this request. */
  drawn: Set<number>;
}

/** How every part of the inspector writes into the session's trace. */
export interface Recorder {
  scope: AsyncLocalStorage<RequestScope>;
  now: () => Date;
  record(s: RequestScope, draft: StepDraft): void;
  /** The session's trace for this transfer: a new one for a new transfer. */
  begin(s: RequestScope, started: EventOf<'started'>): { resend: boolean };
}

export function createRecorder(options: {
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  now: () => Date;
}): Recorder {
  const { now } = options;
  const scope = new AsyncLocalStorage<RequestScope>();
  return {
    scope,
    now,
    record(s, draft) {
      const trace = s.session().trace;
      if (trace) appendStep(trace, draft);
    },
    begin(s, started) {
      const session = s.session();
      const resend = session.trace?.transferId === started.transferId;
      if (!resend) {
        const { amount, currency, payee } = started.transfer;
        session.trace = {
          ...newTrace(started.transferId, options.mode, options.ui, now()),
          transfer: { amount, currency, payee },
        };
      }
      return { resend };
    },
  };
}
