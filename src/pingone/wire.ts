/** How a call is put on the wire and read back: the pieces src/pingone/http.ts assembles. */
import { Agent, request } from 'undici';

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

/** The defined entries of a query or form. */
export const definedPairs = (fields: Record<string, string | undefined>) =>
  Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined);

/**
 * Appends `query` to `url` with `%20` for spaces, not the form encoding's `+`, which not every
 * server reads as a space in a query string.
 */
export function withQuery(url: string, query?: Record<string, string | undefined>): string {
  const pairs = definedPairs(query ?? {});
  if (!pairs.length) return url;
  const encoded = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${url}${url.includes('?') ? '&' : '?'}${encoded.join('&')}`;
}

/**
 * client_secret_basic from the raw client id and secret (RFC 7617), byte for byte what Ping's
 * examples send, not RFC 6749 §2.3.1's form-urlencoded pair (docs/pingone-contract.md §6.19).
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

/** JSON when the body is JSON, else its text; undefined when empty. */
export function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (!/json/i.test(contentType ?? '') && !/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `network error (ECONNREFUSED)`: fetch puts the system error in its TypeError's `cause`. */
export function networkDescription(cause: unknown): string {
  const code = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? `network error (${code})` : 'network error';
}

/** What the call path reads of an answer; the platform's Response has this shape too. */
export interface Answer {
  status: number;
  headers: { get(name: string): string | null; getSetCookie(): string[] };
  text(): Promise<string>;
}

const agent = new Agent({ keepAliveTimeout: 4_000 });

/**
 * The call path's one tuning: its own JSON calls go out through undici's `request`, which spends
 * less CPU per call than the platform's `fetch` by a difference `npm run bench:compare` resolves;
 * openid-client's calls keep the platform's fetch. Like fetch with `redirect: 'manual'`, it
 * follows no redirect and repeats nothing; it rejects as fetch does.
 */
export async function requestJson(url: string, init: RequestInit): Promise<Answer> {
  const fail = (error: unknown) => {
    throw init.signal?.aborted
      ? init.signal.reason
      : new TypeError('fetch failed', { cause: error });
  };
  try {
    const res = await request(url, {
      dispatcher: agent,
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
      signal: init.signal ?? undefined,
    });
    const header = (name: string) => {
      const value = res.headers[name.toLowerCase()];
      return value === undefined ? null : ([] as string[]).concat(value).join(', ');
    };
    return {
      status: res.statusCode,
      headers: {
        get: header,
        getSetCookie: () => ([] as string[]).concat(res.headers['set-cookie'] ?? []),
      },
      text: () => res.body.text().catch(fail),
    };
  } catch (error) {
    return fail(error);
  }
}
