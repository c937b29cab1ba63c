import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { buildRequestJwt } from '../../../src/approval/request-jwt.js';
import { FROM_ACCOUNT } from '../../../src/approval/transfer.js';

const secret = 's'.repeat(64);
const now = new Date('2026-01-02T03:04:05Z');
const input = {
  clientId: 'c',
  clientSecret: secret,
  audience: 'a',
  subject: 's',
  templateVariant: 'v',
  transfer: { amount: '1.00', currency: 'USD', payee: 'P', fromAccount: FROM_ACCOUNT },
  now,
} as const;

describe('buildRequestJwt', () => {
  it('signs HS256 with the client secret and carries the transfer in pi.template', async () => {
    const jwt = await buildRequestJwt({
      clientId: 'client-1',
      clientSecret: secret,
      audience: 'https://auth.pingone.eu/env/as',
      subject: 'alice',
      templateVariant: 'TxApproval',
      transfer: { amount: '250.00', currency: 'EUR', payee: 'Bob', fromAccount: FROM_ACCOUNT },
      now,
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), {
      issuer: 'client-1',
      audience: 'https://auth.pingone.eu/env/as',
      subject: 'alice',
      currentDate: now,
    });
    expect(payload.iat).toBe(now.getTime() / 1000);
    expect(payload.exp).toBe(now.getTime() / 1000 + 120);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload['pi.template']).toEqual({
      name: 'transaction',
      variant: 'TxApproval',
      variables: { sum: '250.00', currency: 'EUR', recipient: 'Bob' },
    });
  });

  it('signs max_age when given (0 is kept), and leaves it out otherwise', async () => {
    const key = new TextEncoder().encode(secret);
    const fresh = await jwtVerify(await buildRequestJwt({ ...input, maxAge: 0 }), key, {
      currentDate: now,
    });
    expect(fresh.payload.max_age).toBe(0);
    const plain = await jwtVerify(await buildRequestJwt(input), key, { currentDate: now });
    expect(plain.payload).not.toHaveProperty('max_age');
  });

  it('cannot be verified with another secret', async () => {
    const jwt = await buildRequestJwt(input);
    await expect(
      jwtVerify(jwt, new TextEncoder().encode('t'.repeat(64)), { currentDate: now }),
    ).rejects.toThrow();
  });
});
