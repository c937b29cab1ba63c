import type { ApprovalStore } from '../approval/approval-store.js';
import type { PingOneUrls } from '../pingone/urls.js';
import type { TraceStore } from './trace-store.js';

export interface InspectorOptions {
  /** The app's HTTP client (`HttpClient.id`): whose `pingone.call` events are filed. */
  client: number;
  /** Ends the filing (the app's `AppDeps.signal`). */
  signal?: AbortSignal;
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  urls: PingOneUrls;
  clientId: string;
  /** Never shown; known so that it can be scrubbed should it ever appear in a value. */
  clientSecret: string;
  username: string;
  policyName: string;
  redirectUri: string;
  approvals: ApprovalStore;
  store?: TraceStore;
  now?: () => Date;
  userId?: string;
  phoneHint?: string;
  /**
   * Embedded mode only: the emulator's `GET /__emulator/sms`, read over HTTP to show the SMS
   * (its code masked). Real PingOne has no such thing: there only the masked number is shown.
   */
  smsOutboxUrl?: string;
  /** A worker bearer token is sent on /flows calls (docs/pingone-contract.md §9). */
  flowsBearer?: boolean;
  /** The outbox read is a local call; it must not hold the page up. */
  smsTimeoutMs?: number;
}
