import { decodeJwt, decodeProtectedHeader } from 'jose';

/**
 * What the inspector may show of a value that is not secret but not for copying either (a flow
 * id, `state`, `nonce`): its first and last characters, enough to match it across steps.
 */
export function shorten(value: string | undefined, head = 6, tail = 4): string {
  if (value === undefined || value === '') return '—';
  return value.length <= head + tail + 1 ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}

/** A value that was sent or received but is never shown: its presence and length only. */
export function elided(value: string | undefined, what = 'not shown'): string {
  return value ? `(${value.length} characters, ${what})` : '(none)';
}

/** `•` for every character of the code, wherever the code appears in a text (the SMS). */
export function maskCode(text: string, code: string | undefined): string {
  if (code && code.length >= 4) return text.split(code).join('•'.repeat(code.length));
  // No code to look for: hide every run of 4-10 digits that is not part of an amount.
  return text.replace(/(?<![\d.,])\d{4,10}(?!\d)(?![.,]\d)/g, (m) => '•'.repeat(m.length));
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: string;
}

/** Claims whose values are per-flow handles: shown shortened, like the query parameters. */
const SHORTENED_CLAIMS = new Set(['nonce', 'sid']);

/**
 * Header and claims of a JWS, with the signature elided (the raw token is never kept). Answers
 * undefined for anything that is not a decodable JWT (an opaque access token).
 */
export function decodeJwtForDisplay(jwt: string | undefined): DecodedJwt | undefined {
  if (!jwt || jwt.split('.').length !== 3) return undefined;
  try {
    const header = decodeProtectedHeader(jwt) as Record<string, unknown>;
    const claims: Record<string, unknown> = { ...decodeJwt(jwt) };
    for (const name of SHORTENED_CLAIMS) {
      if (typeof claims[name] === 'string') claims[name] = shorten(claims[name]);
    }
    return {
      header,
      claims,
      signature: `(elided: ${jwt.split('.')[2]?.length ?? 0} characters)`,
    };
  } catch {
    return undefined;
  }
}

/**
 * Replaces every occurrence of a known secret inside every string of a value. The trace is built
 * from summaries that never copy a secret; this is the second line, for a secret that shows up
 * where nobody expected it (PingOne echoing a value in an error message, say).
 */
export function scrub<T>(value: T, secrets: ReadonlySet<string>, depth = 0): T {
  if (typeof value === 'string') {
    let out: string = value;
    for (const secret of secrets) {
      if (secret.length >= 6 && out.includes(secret)) out = out.split(secret).join('[redacted]');
    }
    return out as unknown as T;
  }
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = scrub(v, secrets, depth + 1);
  }
  return out as T;
}
