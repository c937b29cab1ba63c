/**
 * `max_age` on every authorize, in the query and in the signed request object: 0, "authenticate
 * the person for this request" (OpenID Connect Core §3.1.2.1, equal to `prompt=login`). PingOne
 * must not answer a second approval from the sign-on session a first one left in the browser
 * (hosted mode), and an ID token must then carry `auth_time` (docs/pingone-contract.md §6.16).
 */
export const MAX_AGE_SECONDS = 0;

/**
 * How far PingOne's `auth_time` may fall before the flow's start and still count: `auth_time` is
 * in whole seconds (up to one early), and PingOne's clock and ours are not the same clock.
 */
export const AUTH_TIME_SKEW_SECONDS = 5;

/**
 * Why the ID token does not show that the person authenticated for this flow: no `auth_time`,
 * or one from before the flow started (an SSO session answered, whatever `max_age` asked).
 */
export function freshnessProblem(
  startedAt: string,
  authTime: number | undefined,
): string | undefined {
  if (authTime === undefined) return 'no auth_time: nothing shows the person authenticated now';
  const startedAtSeconds = Date.parse(startedAt) / 1000;
  if (authTime < startedAtSeconds - AUTH_TIME_SKEW_SECONDS) {
    const early = Math.round(startedAtSeconds - authTime);
    return `auth_time is ${early} s before this flow started: an earlier sign-on, not this approval`;
  }
  return undefined;
}
