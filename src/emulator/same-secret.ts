import { timingSafeEqual } from 'node:crypto';

/** Compares a secret (client secret, OTP, password) in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
