import type { ApprovalStore } from '../approval/approval-store.js';
import type { CallEvent } from '../pingone/call-events.js';
import type { TraceStore } from './trace-store.js';

export interface InspectorOptions {
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  approvals: ApprovalStore;
  store?: TraceStore;
  now?: () => Date;
  setupCalls?: readonly CallEvent[];
  phoneHint?: string;
  smsOutboxUrl?: string;
  /** The outbox read is a local call; it must not hold the page up. */
  smsTimeoutMs?: number;
  /** A worker bearer token is sent on /flows calls (docs/pingone-contract.md §9). */
  flowsBearer?: boolean;
  signal?: AbortSignal;
}
