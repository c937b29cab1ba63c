import type { Request } from 'express';
import type { ApprovalStore } from './approval-store.js';
import type { RelyingPartySettings } from '../config.js';
import type { FlowClient } from '../pingone/flow/flow-client.js';
import type { TokenClient } from '../pingone/flow/token-client.js';
import type { PingOneUrls } from '../pingone/urls.js';
import { publishApproval, type EventBody } from './approval-events.js';
import type { FlowClaims } from './session-state.js';
import type { SmsLimits } from './transfer.js';

export interface ApprovalContext {
  /** The app's PingOne client id (`HttpClient.id`). */
  client: number;
  settings: RelyingPartySettings;
  /** The request JWT's `sub` (AppDeps.approvalSubject). */
  subjectOf(req: Request): string;
  urls: PingOneUrls;
  ui: 'own' | 'hosted';
  /** Sent on authorize and token in both modes (docs/pingone-contract.md §9). */
  redirectUri: string;
  flows: FlowClient;
  tokens: TokenClient;
  approvals: ApprovalStore;
  claims: FlowClaims;
  smsLimits: SmsLimits;
  raceWaitMs: number;
  now: () => Date;
  /** Embedded mode: the phone and the user's id are known ahead. */
  phoneHint?: string;
  userId?: string;
}

export function tell(
  ctx: ApprovalContext,
  req: Request,
  transferId: string,
  build: () => EventBody,
): void {
  publishApproval({ client: ctx.client, transferId, requestId: req.id }, build);
}
