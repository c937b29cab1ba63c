import type { Session, SessionData } from 'express-session';
import type { EventOf, Resumed } from '../approval/approval-events.js';
import type { ApprovalStore } from '../approval/approval-store.js';
import type { CallEvent } from '../pingone/call-events.js';
import type { Trace } from './trace.js';
import type { TraceStore } from './trace-store.js';

declare module 'express-session' {
  interface SessionData {
    trace?: Trace;
  }
}

type TracedSession = Session & Partial<SessionData>;

// Subscribers run in the publisher's async context: an event of any other request finds none.
export interface RequestScope {
  /** The request's current session (read late: a rotation replaces it mid-request). */
  session(): TracedSession;
  line: string;
  calls: CallEvent[];
  started?: EventOf<'started'>;
  resumed?: Resumed;
  drawn: Set<number>;
}

export interface InspectorOptions {
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  approvals: ApprovalStore;
  store?: TraceStore;
  setupCalls?: readonly CallEvent[];
  phoneHint?: string;
  smsOutboxUrl?: string;
  /** A worker bearer token is sent on /flows calls (docs/pingone-contract.md §9). */
  flowsBearer?: boolean;
  signal?: AbortSignal;
}
