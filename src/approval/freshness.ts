/**
 * "Authenticate the person for this request" (OpenID Connect Core §3.1.2.1): no approval answered
 * from an earlier sign-on session, and `auth_time` in the ID token (docs/pingone-contract.md §6.16).
 */
export const MAX_AGE_SECONDS = 0;

/** `auth_time` is in whole seconds (up to one early), and PingOne's clock is not ours. */
export const AUTH_TIME_SKEW_SECONDS = 5;

/** Why the ID token does not show the person authenticated for this flow (SSO answered). */
export function freshnessProblem(startedAt: string, authTime: number | undefined) {
  if (authTime === undefined) return 'no auth_time: nothing shows the person authenticated now';
  const startedAtSeconds = Date.parse(startedAt) / 1000;
  if (authTime < startedAtSeconds - AUTH_TIME_SKEW_SECONDS) {
    const early = Math.round(startedAtSeconds - authTime);
    return `auth_time is ${early} s before this flow started: an earlier sign-on, not this approval`;
  }
  return undefined;
}
