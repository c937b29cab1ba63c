import { timingSafeEqual } from 'node:crypto';

/** Compares a value a client sent with a secret in constant time (CSRF and operator tokens). */
export function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
