import type { FlowRegistry } from './flow-registry.js';
import type { SigningKey } from './signing-key.js';
import type { SmsOutbox } from './sms-outbox.js';
import type { SsoSessions } from './sso-sessions.js';
import type { Store } from './store.js';
import type { TokenRegistry } from './token-registry.js';

export interface Clock {
  now(): number;
  advance(ms: number): void;
}

/** Switches to the other plausible answer of a [G] point (docs/pingone-contract.md §9); all default false but echoStateOnResume. */
export interface Variants {
  /** A new flow id after each step (docs/pingone-contract.md §6). */
  flowIdRotation: boolean;
  /** otp.check's COMPLETED flow already carries `authorizeResponse` (docs/pingone-contract.md §6.18). */
  completedIncludesAuthorizeResponse: boolean;
  /** resume answers 302 Location even in pi.flow mode. */
  resumeRedirectsInPiFlow: boolean;
  echoStateOnResume: boolean;
  /** An SSO session answers authorize despite `prompt=login` or `max_age`: a tenant that ignores them. */
  ignoreReauthentication: boolean;
}

export interface Context {
  store: Store;
  clock: Clock;
  key: SigningKey;
  outbox: SmsOutbox;
  tokens: TokenRegistry;
  flows: FlowRegistry;
  sessions: SsoSessions;
  variants: Variants;
  /** The emulator's public origin (`http://127.0.0.1:PORT`), used in issuer and links. */
  origin: string;
}
