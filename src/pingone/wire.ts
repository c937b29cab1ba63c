/** How a call is put on the wire and read back: the pieces src/pingone/http.ts assembles. */
import { Agent, request } from 'undici';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** PingOne's vendor content types (a flow call with plain JSON gets 415). */
export const VENDOR_TYPES = {
  passwordSet: 'application/vnd.pingidentity.password.set+json',
  otpCheck: 'application/vnd.pingidentity.otp.check+json',
} as const;

/** One PingOne request; `json`, `form` or neither carries the body. */
export interface PingOneCall {
  /** What this call does, in words: it names the call in errors and events. */
  step: string;
  method: HttpMethod;
  url: string;
  query?: Record<string, string | undefined>;
  /** `auth` sends `Accept: *\/*`: a strict JSON Accept gets 406 on the auth host. */
  host?: 'api' | 'auth';
  bearer?: string;
  basic?: { username: string; password: string };
  json?: unknown;
  form?: Record<string, string | undefined>;
  contentType?: string;
  cookie?: string;
  /** `X-Ping-External-Transaction-ID`, to find the call in PingOne's audit log. */
  transactionId?: string;
  /** Reported, never sent. */
  requestId?: string | undefined;
  /** Default: GET and PUT. A POST is repeated only by callers that can prove it did not land. */
  idempotent?: boolean;
  /** Error statuses returned instead of thrown (e.g. 404 on a read). */
  okStatus?: number[];
}

/** PingOne reads at most 100 characters of its `X-Ping-External-*` headers. */
export const truncateHeader = (value: string) => value.slice(0, 100);

export function buildRequest(call: PingOneCall) {
  const { json, form, bearer, basic, cookie } = call;
  const contentType =
    json !== undefined
      ? (call.contentType ?? 'application/json')
      : form && 'application/x-www-form-urlencoded';
  const headers: Record<string, string> = {
    Accept: call.host === 'auth' ? '*/*' : 'application/json',
    ...(contentType && { 'Content-Type': contentType }),
    ...(bearer && { Authorization: `Bearer ${bearer}` }),
    ...(basic && { Authorization: basicAuthorization(basic.username, basic.password) }),
    ...(cookie && { Cookie: cookie }),
  };
  const body =
    json !== undefined
      ? JSON.stringify(json)
      : form && new URLSearchParams(definedPairs(form)).toString();
  return { headers, body };
}

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

function definedPairs(fields: Record<string, string | undefined>) {
  return Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined);
}

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
export type Answer = Pick<Response, 'status' | 'text'> & {
  headers: Pick<Headers, 'get' | 'getSetCookie'>;
};

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
