/**
 * The relying party's PingOne client for one approval: authorize (pi.flow or redirect),
 * otp.check, resume and the token exchange with ID token validation.
 */
export {
  authorizeResponseFromJson,
  createFlowClient,
  type AuthorizeParams,
  type FlowCallContext,
  type FlowClient,
  type FlowClientOptions,
  type FlowStep,
} from './flow/flow-client.js';
export { cookieHeader, mergeSetCookies, type CookieJar } from './flow/cookies.js';
export {
  createTokenClient,
  IdTokenRejectedError,
  type CodeExchange,
  type TokenClient,
  type TokenClientOptions,
} from './flow/token-client.js';
export type { VerifiedIdToken } from './flow/id-token-claims.js';
export { FLOW_STATUS, type AuthorizeResponse, type PingOneFlow } from './flow/types.js';
