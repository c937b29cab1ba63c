import type { ApprovalStore } from '../approval/approval-store.js';
import type { CallEvent } from '../pingone/call-events.js';
import type { TraceStore } from './trace-store.js';

export interface InspectorOptions {
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  /** Whose approval a finished trace belongs to is read from here (trace.json's gate). */
  approvals: ApprovalStore;
  /** Finished traces (default: in this process; the Redis one when instances share). */
  store?: TraceStore;
  now?: () => Date;
  /** The embedded start-up's `pingone.call` events (steps 0–15), for the setup row. */
  setupCalls?: readonly CallEvent[];
  /** Where embedded mode's code goes: the outbox is read for this number only. */
  phoneHint?: string;
  /**
   * Embedded mode only: the emulator's `GET /__emulator/sms`, read over HTTP to show the SMS
   * (its code masked). Real PingOne has no such thing: there only the masked number is shown.
   */
  smsOutboxUrl?: string;
  /** The outbox read is a local call; it must not hold the page up. */
  smsTimeoutMs?: number;
  /** A worker bearer token is sent on /flows calls (docs/pingone-contract.md §9). */
  flowsBearer?: boolean;
  /** Ends the inspector's subscriptions (the app's retirement). */
  signal?: AbortSignal;
}
