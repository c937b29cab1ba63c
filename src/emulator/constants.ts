// Every behaviour the wire contract leaves open ([G], docs/pingone-contract.md §9) and the
// emulator's own defaults, each in one place so that a test can pin it and a tenant overturn it.

const answer400 = <C extends string, D extends string>(code: C, detailCode: D) =>
  ({ status: 400, code, detailCode }) as const;

/** docs/pingone-contract.md §9 "flow lifetime": 10 minutes, then every call on it answers 404. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

/** docs/pingone-contract.md §9 "wrong-OTP status and body", with `remainingAttempts`. */
export const WRONG_OTP_ANSWER = answer400('INVALID_DATA', 'INVALID_OTP');

/**
 * docs/pingone-contract.md §9 "after the last failed attempt": the flow is FAILED, that call answers
 * the wrong-OTP body with `remainingAttempts: 0`, later calls this (resume: `access_denied`).
 */
export const LOCKED_FLOW_ANSWER = answer400('REQUEST_FAILED', 'QUOTA_EXCEEDED');

/** Not in the contract: an OTP checked after its lifetime fails the flow (no resend here). */
export const EXPIRED_OTP_FAILS_FLOW = true;

/** docs/pingone-contract.md §9 "`state` echoed by resume" (variant `echoStateOnResume`). */
export const ECHO_STATE_ON_RESUME = true;

/** docs/pingone-contract.md §9 "bearer token on /flows": accepted (and then checked), not required. */
export const FLOWS_BEARER_REQUIRED = false;

/** docs/pingone-contract.md §9 "`redirect_uri` on token": must match only when authorize had one. */
export const TOKEN_REDIRECT_URI_REQUIRED_ONLY_IF_AUTHORIZE_HAD_ONE = true;

/** docs/pingone-contract.md §9 "`${OTP}` vs `${otp}`": both receive the code. */
export const OTP_PLACEHOLDERS = ['OTP', 'otp'] as const;

/** docs/pingone-contract.md §9 "device create status code". */
export const DEVICE_CREATE_STATUS = 201;

/**
 * docs/pingone-contract.md §9, /flows or resume without the current ST and ST-NO-SS cookies:
 * Ping's sample app, the only source that says, reports 401 (§2.1's code of a 401).
 */
export const MISSING_COOKIE_ANSWER = {
  status: 401,
  code: 'ACCESS_FAILED',
  detailCode: 'INVALID_VALUE',
  target: 'cookie',
} as const;
export const FLOW_COOKIE_NAMES = ['ST', 'ST-NO-SS'] as const;

/** docs/pingone-contract.md §6 "[G]" fields: `expiresAt`, `_embedded.devices`, `selectedDevice`. */
export const FLOW_EXTRA_FIELDS = true;

/** Not in the contract: authorize for a user whose MFA is off, or who has no ACTIVE SMS device. */
export const MFA_NOT_ENABLED_ANSWER = answer400('REQUEST_FAILED', 'MFA_NOT_ENABLED');
export const NO_DEVICE_ANSWER = answer400('REQUEST_FAILED', 'NO_USABLE_DEVICES');

/** docs/pingone-contract.md §6.16: flows answer HAL; a strict `Accept: application/json` gets 406. */
export const HAL_JSON = 'application/hal+json;charset=UTF-8';

/** docs/pingone-contract.md §2.2: worker tokens last 3600 s; access and ID tokens too. */
export const TOKEN_LIFETIME_S = 3600;

/** docs/pingone-contract.md §9 "SSO session": the ST cookie; 8 hours is the emulator's choice. */
export const SSO_SESSION_COOKIE = 'ST';
export const SSO_SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** Authorization codes: single use, 60 s. */
export const CODE_LIFETIME_MS = 60 * 1000;

/** docs/pingone-contract.md §7: defaults of a device authentication policy's SMS OTP. */
export const DEFAULT_OTP = { failureCount: 3, lifetimeMs: 30 * 60 * 1000, length: 6 } as const;

/** Not in the contract: a new user's `mfaEnabled` before step 13. */
export const NEW_USER_MFA_ENABLED = false;

/** Rendered when the request JWT names no `pi.template`: PingOne's own default text. */
export const DEFAULT_TRANSACTION_TEXT = 'Your transaction approval code is ${OTP}';
