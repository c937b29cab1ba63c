import { createHash } from 'node:crypto';
import type { IDToken } from 'openid-client';
import { describe, expect, it } from 'vitest';
import { verifiedClaims } from '../../../src/pingone/flow/token-client.js';

const base = {
  iss: 'https://auth.pingone.eu/env-1/as',
  sub: 'user-1',
  aud: 'client-1',
  iat: 1_790_000_000,
  exp: 1_790_003_600,
};
/** Claims as a token may carry them, wrong types included (openid-client checks only some). */
const claims = (extra: Record<string, unknown>) => ({ ...base, ...extra }) as unknown as IDToken;
const COMPACT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';

describe('verifiedClaims: the evidence an ID token gives', () => {
  it('keeps iss, aud and jti; no hash when the token has its own id', () => {
    const out = verifiedClaims(claims({ jti: 'id-token-42', auth_time: 1_789_999_990 }), COMPACT);
    expect(out).toMatchObject({ iss: base.iss, aud: 'client-1', jti: 'id-token-42' });
    expect(out.auth_time).toBe(1_789_999_990);
    expect(out.idTokenSha256).toBeUndefined();
  });

  it('without a jti (or an empty or non-string one): the SHA-256 of the compact token', () => {
    const sha = createHash('sha256').update(COMPACT).digest('base64url');
    for (const jti of [undefined, '', 42]) {
      const out = verifiedClaims(claims({ aud: ['client-1', 'other'], jti }), COMPACT);
      expect(out.jti).toBeUndefined();
      expect(out.idTokenSha256).toBe(sha);
      expect(out.aud).toEqual(['client-1', 'other']);
    }
  });

  it('leaves out claims of the wrong type rather than trusting them', () => {
    const out = verifiedClaims(
      claims({ acr: 7, amr: ['otp', 3], auth_time: 'now', sid: {} }),
      COMPACT,
    );
    expect(out.acr).toBeUndefined();
    expect(out.amr).toEqual(['otp']);
    expect(out.auth_time).toBeUndefined();
    expect(out.sid).toBeUndefined();
  });
});
