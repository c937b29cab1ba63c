/** How a call is put on the wire and read back: the pieces src/pingone/http.ts assembles. */
import type { PingOneCall } from './call-types.js';

/** The URL without its query or fragment: safe to log. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url.replace(/[?#].*$/, '');
  const { origin, pathname } = new URL(url);
  return origin + pathname;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Appends `query` to `url`, percent-encoding with `%20` for spaces (not the form encoding's `+`,
 * which not every server reads as a space in a query string: `scope=openid%20profile`).
 */
export function withQuery(url: string, query: PingOneCall['query']): string {
  const pairs = Object.entries(query ?? {}).filter(
    (e): e is [string, string] => e[1] !== undefined,
  );
  if (!pairs.length) return url;
  const encoded = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${url}${url.includes('?') ? '&' : '?'}${encoded.join('&')}`;
}

/** PingOne reads at most 100 characters of its `X-Ping-External-*` headers. */
export function truncateHeader(value: string): string {
  return value.slice(0, 100);
}

/**
 * client_secret_basic from the raw client id and secret (RFC 7617), byte for byte what Ping's
 * examples send, not RFC 6749 §2.3.1's form-urlencoded pair (docs/pingone-contract.md §6.19).
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

export function buildRequest(call: PingOneCall): {
  headers: Record<string, string>;
  body?: string;
} {
  const headers: Record<string, string> = {
    Accept: call.host === 'auth' ? '*/*' : 'application/json',
  };
  let body: string | undefined;
  if (call.json !== undefined) {
    headers['Content-Type'] = call.contentType ?? 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const fields = Object.entries(call.form).filter(
      (e): e is [string, string] => e[1] !== undefined,
    );
    body = new URLSearchParams(fields).toString();
  }
  if (call.bearer) headers.Authorization = `Bearer ${call.bearer}`;
  if (call.basic) {
    headers.Authorization = basicAuthorization(call.basic.username, call.basic.password);
  }
  if (call.cookie) headers.Cookie = call.cookie;
  if (call.transactionId) {
    headers['X-Ping-External-Transaction-ID'] = truncateHeader(call.transactionId);
  }
  return body === undefined ? { headers } : { headers, body };
}

/** JSON when the body is JSON, else its text; undefined when empty. */
export function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `network error (ECONNREFUSED)`: fetch puts the system error in its TypeError's `cause`. */
export function networkDescription(cause: unknown): string {
  const inner = (cause as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof inner?.code === 'string' ? inner.code : undefined;
  return code ? `network error (${code})` : 'network error';
}
