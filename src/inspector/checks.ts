import type { TokenVerdict } from '../approval/approval-observer.js';
import { AUTH_TIME_SKEW_SECONDS, freshnessProblem } from '../approval/freshness.js';
import { transferHash } from '../approval/transfer.js';
import { shorten, type DecodedJwt } from './redact.js';
import type { Check } from './steps.js';

export interface Expectations {
  issuer: string;
  clientId: string;
  policyName: string;
  username: string;
  userId?: string;
}

/**
 * The checks the relying party made before it recorded anything, each with what was expected
 * and what came. The verdict is finishFlow's own (passed in), never recomputed here; the single
 * checks only explain it.
 */
export function describeChecks(
  input: TokenVerdict,
  expect: Expectations,
  idToken: DecodedJwt | undefined,
  now: Date,
): { checks: Check[]; verdict: string; ok: boolean } {
  const { flow, transfer, response } = input;
  const checks: Check[] = [];
  const hashOk =
    transferHash(transfer.id, transfer) === transfer.hash && transfer.hash === flow.transferHash;
  checks.push({
    name: 'transfer hash',
    ok: hashOk,
    detail: `SHA-256 ${shorten(transfer.hash, 10, 6)}: the transfer on the page is the one this flow was started for`,
  });
  checks.push({
    name: 'state',
    ok: input.stateMismatch ? false : response.state === undefined ? undefined : true,
    detail: input.stateMismatch
      ? 'the authorization response carried another state: it belongs to another flow'
      : response.state === undefined
        ? 'not echoed by PingOne (allowed); the code came back on our own server-to-server call'
        : `echoed and equal to ours (${shorten(flow.state)})`,
  });

  const c = idToken?.claims;
  const reached =
    !input.stateMismatch && (input.claims !== undefined || input.rejected !== undefined);
  if (!reached || !c) {
    for (const name of ['signature', 'iss', 'aud', 'exp', 'nonce', 'sub', 'acr', 'auth_time']) {
      checks.push({ name, ok: undefined, detail: 'not reached' });
    }
  } else {
    const accepted = input.claims !== undefined;
    const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
    const issOk = c.iss === expect.issuer;
    const audOk = aud.includes(expect.clientId);
    const expOk = typeof c.exp === 'number' && c.exp * 1000 > now.getTime();
    const nonceOk = c.nonce === shorten(flow.nonce);
    const header = idToken.header;
    checks.push({
      name: 'signature',
      ok: accepted ? true : issOk && audOk && expOk && nonceOk ? false : undefined,
      detail: accepted
        ? `${String(header.alg)} with key ${String(header.kid ?? '(no kid)')} from PingOne’s JWKS`
        : 'openid-client refused the token (reason below)',
    });
    checks.push({ name: 'iss', ok: issOk, detail: `${String(c.iss)} (expected ${expect.issuer})` });
    checks.push({
      name: 'aud',
      ok: audOk,
      detail: `${aud.join(', ')} (expected our client_id ${expect.clientId})`,
    });
    checks.push({
      name: 'exp',
      ok: expOk,
      detail: typeof c.exp === 'number' ? new Date(c.exp * 1000).toISOString() : '(missing)',
    });
    checks.push({
      name: 'nonce',
      ok: nonceOk,
      detail: `${String(c.nonce)} (ours ${shorten(flow.nonce)})`,
    });
    const expectedSub = flow.userId ?? expect.userId;
    const sub = input.claims?.sub ?? (typeof c.sub === 'string' ? c.sub : undefined);
    if (expectedSub) {
      checks.push({
        name: 'sub',
        ok: accepted ? sub === expectedSub : undefined,
        detail: `${sub ?? '(missing)'} (expected the flow’s user ${expectedSub})`,
      });
    } else {
      const username = input.claims?.preferred_username;
      checks.push({
        name: 'sub',
        ok: accepted ? username?.toLowerCase() === expect.username.toLowerCase() : undefined,
        detail: `${sub ?? '(missing)'}: preferred_username ${username ?? '(none)'} (expected ${expect.username})`,
      });
    }
    const acr = input.claims?.acr ?? (typeof c.acr === 'string' ? c.acr : undefined);
    checks.push({
      name: 'acr',
      ok: accepted ? acr === expect.policyName : undefined,
      detail: `${acr ?? '(none)'} (expected the SMS sign-on policy ${expect.policyName})`,
    });
    const authTime =
      input.claims?.auth_time ?? (typeof c.auth_time === 'number' ? c.auth_time : undefined);
    checks.push({
      name: 'auth_time',
      ok: accepted ? freshnessProblem(flow.startedAt, authTime) === undefined : undefined,
      detail: `${authTime === undefined ? '(missing)' : new Date(authTime * 1000).toISOString()} (expected an authentication for this flow: not before its start, ${flow.startedAt}, less ${AUTH_TIME_SKEW_SECONDS} s)`,
    });
  }

  const ok = hashOk && !input.stateMismatch && !input.rejected && !input.problem && !!input.claims;
  const verdict = ok
    ? 'The ID token is evidence for this transfer: the approval is recorded, once per transfer.'
    : input.stateMismatch
      ? 'Refused: the answer did not belong to this approval.'
      : input.rejected
        ? `Refused by openid-client: ${input.rejected}`
        : input.problem
          ? `Refused: ${input.problem}`
          : 'Refused.';
  return { checks, verdict, ok };
}
