/**
 * Every behaviour the wire contract leaves open ([G], docs/pingone-contract.md §9) and the
 * emulator's own defaults, each in one place so that a test can pin it and a real tenant can
 * overturn it.
 */

/** A 400 answer: PingOne's `code` with one detail of `detailCode`. */
const answer400 = <C extends string, D extends string>(code: C, detailCode: D) =>
  ({ status: 400, code, detailCode }) as const;

/** docs/pingone-contract.md §9 "flow lifetime": a flow lives 10 minutes, then every call on it answers 404 NOT_FOUND. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

/** docs/pingone-contract.md §9 "wrong-OTP status and body": 400 INVALID_DATA + detail INVALID_OTP with remainingAttempts. */
export const WRONG_OTP_ANSWER = answer400('INVALID_DATA', 'INVALID_OTP');

/**
 * docs/pingone-contract.md §9 "after the last failed attempt": the flow becomes FAILED; the failing call itself
 * still answers the wrong-OTP body with `remainingAttempts: 0`, and later calls on the flow answer
 * 400 REQUEST_FAILED + detail QUOTA_EXCEEDED (resume: 400 in pi.flow, `error=access_denied` redirect otherwise).
 */
export const LOCKED_FLOW_ANSWER = answer400('REQUEST_FAILED', 'QUOTA_EXCEEDED');

/**
 * Not in the contract: an OTP checked after its lifetime fails the flow at once (there is no
 * "resend" in this workflow) and answers the wrong-OTP body with `remainingAttempts: 0`.
 */
export const EXPIRED_OTP_FAILS_FLOW = true;

/** docs/pingone-contract.md §9 "`state` echoed by resume": echoed (variant `echoStateOnResume` turns it off). */
export const ECHO_STATE_ON_RESUME = true;

/** docs/pingone-contract.md §9 "bearer token on /flows": accepted (and then checked) but not required. */
export const FLOWS_BEARER_REQUIRED = false;

/** docs/pingone-contract.md §9 "`redirect_uri` on token when authorize had none": a match is required only when authorize had one. */
export const TOKEN_REDIRECT_URI_REQUIRED_ONLY_IF_AUTHORIZE_HAD_ONE = true;

/** docs/pingone-contract.md §9 "`${OTP}` vs `${otp}`": both placeholders receive the code. */
export const OTP_PLACEHOLDERS = ['OTP', 'otp'] as const;

/** docs/pingone-contract.md §9 "device create status code": 201. */
export const DEVICE_CREATE_STATUS = 201;

/**
 * A call on /flows or /as/resume without the current ST / ST-NO-SS cookies
 * (docs/pingone-contract.md §9, an open question of §9's kind). Ping's sample app, the only
 * Ping source that says, reports 401 from PingOne, so the emulator answers 401 ACCESS_FAILED
 * (the top-level code of a 401, §2.1) with detail INVALID_VALUE on target `cookie`, and requires
 * both names. Clients must handle a 400 as well.
 */
export const MISSING_COOKIE_ANSWER = {
  status: 401,
  code: 'ACCESS_FAILED',
  detailCode: 'INVALID_VALUE',
  target: 'cookie',
} as const;
export const FLOW_COOKIE_NAMES = ['ST', 'ST-NO-SS'] as const;

/**
 * docs/pingone-contract.md §6 (flow object, "[G]" fields): the emulator adds `expiresAt`, `_embedded.devices`
 * (phone masked) and `selectedDevice` — clients must not depend on them.
 */
export const FLOW_EXTRA_FIELDS = true;

/** Not in the contract: authorize for a user whose MFA is off, or who has no ACTIVE SMS device. */
export const MFA_NOT_ENABLED_ANSWER = answer400('REQUEST_FAILED', 'MFA_NOT_ENABLED');
export const NO_DEVICE_ANSWER = answer400('REQUEST_FAILED', 'NO_USABLE_DEVICES');

/** docs/pingone-contract.md §6.16: PingOne answers flows as HAL; a strict `Accept: application/json` gets 406. */
export const HAL_JSON = 'application/hal+json;charset=UTF-8';

/** docs/pingone-contract.md §2.2: worker tokens last 3600 s. Access and ID tokens too. */
export const TOKEN_LIFETIME_S = 3600;

/**
 * docs/pingone-contract.md §9 "SSO session": a completed flow's `ST` cookie is a sign-on session
 * that answers a later authorize of the same user without a new code, unless that request sends
 * `prompt=login` or a `max_age` the session is older than (`max_age=0`: always). It lives 8 hours
 * from the authentication: the emulator's choice, long enough for any test or demo.
 */
export const SSO_SESSION_COOKIE = 'ST';
export const SSO_SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** Authorization codes: single use, 60 s. */
export const CODE_LIFETIME_MS = 60 * 1000;

/** docs/pingone-contract.md §7: defaults of a device authentication policy's SMS OTP. */
export const DEFAULT_OTP = {
  failureCount: 3,
  lifetimeMs: 30 * 60 * 1000,
  length: 6,
} as const;

/** Not in the contract: a new user's `mfaEnabled` before step 13. */
export const NEW_USER_MFA_ENABLED = false;

/** Rendered when the request JWT names no `pi.template`: PingOne's own default text. */
export const DEFAULT_TRANSACTION_TEXT = 'Your transaction approval code is ${OTP}';

/** `amr` values of the ID token. */
export const AMR_OTP = 'otp';
export const AMR_PASSWORD = 'pwd';
