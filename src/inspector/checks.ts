import type { TokenChecked } from '../approval/approval-events.js';
import { AUTH_TIME_SKEW_SECONDS } from '../approval/freshness.js';
import { shorten } from './step-parts.js';
import type { Check } from './token-steps.js';

export interface Before {
  transferHash?: string;
  stateEchoed?: boolean;
}

const BY_OPENID_CLIENT: Array<[string, (e: TokenChecked) => string]> = [
  ['signature', () => 'verified against PingOne’s JWKS (openid-client, non-repudiation checks on)'],
  ['iss', (e) => `${e.claims?.iss ?? '—'} (expected ${e.expected.iss})`],
  [
    'aud',
    (e) => `${[e.claims?.aud ?? '—'].flat().join(', ')} (expected our client_id ${e.expected.aud})`,
  ],
  ['exp', () => 'not yet expired (openid-client, with its clock tolerance)'],
  ['nonce', () => 'equal to the one sent at authorize (neither is shown)'],
];

// The verdict is the approval core's, never recomputed here: each line only explains it.
export function describeChecks(
  e: TokenChecked,
  before: Before,
): { checks: Check[]; verdict: string; ok: boolean } {
  const checks: Check[] = [
    {
      name: 'transfer hash',
      ok: true,
      detail: `SHA-256 ${shorten(before.transferHash, 10, 6)}: the transfer on the page is the one this flow was started for`,
    },
    {
      name: 'state',
      ok: e.failedCheck === 'state' ? false : before.stateEchoed ? true : undefined,
      detail:
        e.failedCheck === 'state'
          ? 'the authorization response carried another state: it belongs to another flow'
          : before.stateEchoed
            ? 'echoed and equal to ours (not shown)'
            : 'not echoed by PingOne (allowed); the code came back on our own server-to-server call',
    },
  ];
  const ran = (check: 'openid-client' | 'sub' | 'acr' | 'auth_time') => {
    const order = ['state', 'openid-client', 'sub', 'acr', 'auth_time'];
    const failedAt = e.failedCheck ? order.indexOf(e.failedCheck) : order.length;
    const at = order.indexOf(check);
    return at < failedAt ? true : at === failedAt ? false : undefined;
  };
  const library = ran('openid-client');
  for (const [name, detail] of BY_OPENID_CLIENT) {
    checks.push({
      name,
      ok: library === false ? undefined : library,
      detail:
        library === undefined
          ? 'not reached'
          : library
            ? detail(e)
            : 'one of openid-client’s checks refused the token (the verdict says which)',
    });
  }
  const c = e.claims;
  const sub = e.expected.sub
    ? `${c?.sub ?? '(missing)'} (expected the flow’s user ${e.expected.sub})`
    : `${c?.sub ?? '(missing)'}: preferred_username ${c?.preferred_username ?? '(none)'} (expected ${e.expected.username})`;
  const authTime =
    c?.auth_time === undefined ? '(missing)' : new Date(c.auth_time * 1000).toISOString();
  const ours: Array<[name: 'sub' | 'acr' | 'auth_time', detail: string]> = [
    ['sub', sub],
    ['acr', `${c?.acr ?? '(none)'} (expected the SMS sign-on policy ${e.expected.acr})`],
    [
      'auth_time',
      `${authTime} (expected an authentication for this flow: not before its start, ${e.expected.notBefore}, less ${AUTH_TIME_SKEW_SECONDS} s)`,
    ],
  ];
  for (const [name, detail] of ours) {
    const ok = ran(name);
    checks.push({ name, ok, detail: ok === undefined ? 'not reached' : detail });
  }
  const accepted = e.verdict === 'accepted';
  const verdict = accepted
    ? 'The ID token is evidence for this transfer: the approval is recorded, once per transfer.'
    : e.failedCheck === 'state'
      ? 'Refused: the answer did not belong to this approval.'
      : e.failedCheck === 'openid-client'
        ? `Refused by openid-client: ${e.reason ?? ''}`
        : `Refused: ${e.reason ?? ''}`;
  return { checks, verdict, ok: accepted };
}
