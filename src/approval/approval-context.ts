import type { Request } from 'express';
import type { ApprovalStore } from './approval-store.js';
import type { RelyingPartySettings } from '../config.js';
import type { FlowClient } from '../pingone/flow/flow-client.js';
import type { TokenClient } from '../pingone/flow/token-client.js';
import type { PingOneUrls } from '../pingone/urls.js';
import { publishApproval, type EventBody } from './approval-events.js';
import type { FlowClaims } from './session-state.js';
import type { SmsLimits } from './transfer.js';

/** What the approval routes need; built once by createApp. */
export interface ApprovalContext {
  /** The app's PingOne client id (`HttpClient.id`): names the app on its approval events. */
  client: number;
  settings: RelyingPartySettings;
  /** Whom the request's approval is for: the request JWT's `sub` (AppDeps.approvalSubject). */
  subjectOf(req: Request): string;
  urls: PingOneUrls;
  ui: 'own' | 'hosted';
  /** `BASE_URL/callback`: sent on authorize and token in both modes (docs/pingone-contract.md §9). */
  redirectUri: string;
  flows: FlowClient;
  tokens: TokenClient;
  approvals: ApprovalStore;
  claims: FlowClaims;
  /** What the transaction SMS may be: a payee that makes it longer is refused on the form. */
  smsLimits: SmsLimits;
  /** How long the loser of a race waits for the winner's outcome (afterOtherRequest). */
  raceWaitMs: number;
  now: () => Date;
  /** Where the code goes, when the app knows (embedded mode's phone). */
  phoneHint?: string;
  /** The user's PingOne id when known ahead (embedded mode); else learned from the flow. */
  userId?: string;
}

/** Tells whoever listens (approval-events.ts) what just happened to `transferId` in this request. */
export function tell(
  ctx: ApprovalContext,
  req: Request,
  transferId: string,
  build: () => EventBody,
): void {
  publishApproval({ client: ctx.client, transferId, requestId: req.id }, build);
}
