import type { Request } from 'express';
import type { Clock } from './clock.js';
import type { FlowRegistry } from './flow-registry.js';
import type { SigningKey } from './signing-key.js';
import type { SmsOutbox } from './sms-outbox.js';
import type { SsoSessions } from './sso-sessions.js';
import type { Store } from './store.js';
import type { TokenRegistry } from './token-registry.js';

/** Switches that make the emulator answer the other plausible shape of a [G] point (docs/pingone-contract.md §9). */
export interface Variants {
  /** A new flow id after each step (docs/pingone-contract.md §6: "the flow id may change after any step"). Default false. */
  flowIdRotation: boolean;
  /** otp.check's COMPLETED flow already carries `authorizeResponse` (docs/pingone-contract.md §6.18). Default false. */
  completedIncludesAuthorizeResponse: boolean;
  /** resume answers 302 Location even in pi.flow mode. Default false. */
  resumeRedirectsInPiFlow: boolean;
  /** resume echoes `state` (docs/pingone-contract.md §9). Default true. */
  echoStateOnResume: boolean;
  /**
   * An SSO session answers authorize even when it sends `prompt=login` or `max_age`
   * (docs/pingone-contract.md §9 "SSO session"): a tenant that does not honour them. Default false.
   */
  ignoreReauthentication: boolean;
}

/** Everything the route families share. */
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
  origin(req: Request): string;
}
