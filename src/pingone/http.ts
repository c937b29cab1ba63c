/**
 * The one way this project calls PingOne, on the management host and on the auth host.
 *
 * Every call gets a timeout, PingOne's error body parsed into a {@link PingOneError}, retries with
 * backoff for 429/502/503/504, timeouts and network errors (honouring `Retry-After`) when the call
 * is safe to repeat (GET and PUT; a POST only when the caller says so, e.g. a token request),
 * and an `onCall` report per attempt for logging. It never logs or throws a header or a body.
 *
 * @example Management call (the provisioning plan)
 * ```ts
 * const http = createHttpClient({ timeoutMs: 10_000, onCall: (c) => log.debug(c) });
 * const res = await http.call<{ _embedded: { applications: App[] } }>({
 *   step: 'list applications', method: 'GET', url: `${urls.environment}/applications`,
 *   bearer: await token.get(),
 * });
 * ```
 *
 * @example Auth-host call (the relying party's flow client)
 * ```ts
 * const res = await http.call<Flow>({
 *   step: 'otp.check', host: 'auth', method: 'POST', url: urls.flow(flowId),
 *   json: { otp }, contentType: VENDOR_TYPES.otpCheck, cookie: 'ST=…; ST-NO-SS=…',
 * });
 * res.setCookies;   // every Set-Cookie, to replay on the next flow call
 * res.location;     // the Location of a 302 (auth-host calls never follow redirects)
 * ```
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#rate-limiting
 */
import { nodeTransport, type FetchLike, type HttpSend } from './node-fetch.js';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from './pingone-error.js';

export { PingOneError, isPingOneError, LOCAL_ERROR_CODES } from './pingone-error.js';
export type { PingOneErrorDetail } from './pingone-error.js';

export type { FetchLike } from './node-fetch.js';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** PingOne's vendor content types (a flow call with plain JSON gets 415). */
export const VENDOR_TYPES = {
  passwordSet: 'application/vnd.pingidentity.password.set+json',
  otpCheck: 'application/vnd.pingidentity.otp.check+json',
  deviceSelect: 'application/vnd.pingidentity.device.select+json',
  usernamePasswordCheck: 'application/vnd.pingidentity.usernamePassword.check+json',
  sessionReset: 'application/vnd.pingidentity.session.reset+json',
} as const;

/** One PingOne request. Exactly one of `json` / `form` / neither carries the body. */
export interface PingOneCall {
  /** What this call does, in words; it names the call in errors and `onCall` reports. */
  step: string;
  method: HttpMethod;
  url: string;
  /** Appended to `url`; undefined values are left out. Never reported. */
  query?: Record<string, string | undefined>;
  /**
   * `auth` (the `auth.pingone.*` host): `Accept: *\/*` (a strict JSON Accept gets 406 there).
   * `api` (default): `Accept: application/json`. Both never follow redirects.
   */
  host?: 'api' | 'auth';
  bearer?: string;
  /** HTTP Basic (client_secret_basic). */
  basic?: { username: string; password: string };
  /** A JSON body, sent with `contentType` (default `application/json`). */
  json?: unknown;
  /** An `application/x-www-form-urlencoded` body. */
  form?: Record<string, string | undefined> | URLSearchParams;
  /** A vendor type such as {@link VENDOR_TYPES}.otpCheck for a JSON body. */
  contentType?: string;
  /** The `Cookie` header to replay (name=value pairs joined by `; `). */
  cookie?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** `X-Ping-External-Transaction-ID` (≤100 chars) to find the call in PingOne's audit log. */
  transactionId?: string;
  /** `X-Ping-External-Session-ID` (≤100 chars). */
  sessionId?: string;
  /** Our own request id (`X-Request-Id`) this call serves; reported, never sent. */
  requestId?: string | undefined;
  /**
   * Whether repeating the call is harmless. Defaults to true for GET and PUT, false otherwise
   * (a POST is repeated only by callers that first read back to prove it did not land).
   */
  idempotent?: boolean;
  /** Error statuses returned as a response instead of thrown (e.g. 404 on a read). */
  okStatus?: number[];
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
}

export interface PingOneResponse<T = unknown> {
  status: number;
  /** Parsed JSON when the body is JSON, else the text, or undefined when empty. */
  body: T;
  /** Every `Set-Cookie` header, unparsed. */
  setCookies: string[];
  /** The `Location` header (redirects are never followed). */
  location: string | undefined;
  /** 1 + the number of retries it took. */
  attempts: number;
}

/** One attempt, for logs and tests. Holds no header, body, query or secret. */
export interface CallReport {
  step: string;
  method: HttpMethod;
  /** Without the query string. */
  url: string;
  /** Absent when no answer came (timeout, network error). */
  status?: number;
  durationMs: number;
  pingoneErrorId?: string;
  /** Set on failed attempts: PingOne's `code`, OAuth's `error` or one of {@link LOCAL_ERROR_CODES}. */
  errorCode?: string;
  /** 1 for the first try. */
  attempt: number;
  /** True when another attempt follows this one. */
  willRetry: boolean;
  /** The `X-Ping-External-Transaction-ID` sent, when there was one. */
  transactionId?: string;
  /** The id of the app's request the call served, when it served one. */
  requestId?: string;
}

export interface RetryPolicy {
  /** Total attempts, the first included (default 4). */
  maxAttempts: number;
  /** First backoff delay (default 250 ms), doubled per retry, with jitter. */
  baseDelayMs: number;
  /** Cap of a computed backoff delay (default 4 s). */
  maxDelayMs: number;
  /** A longer `Retry-After` is not waited for: the call fails at once (default 30 s). */
  maxRetryAfterMs: number;
}

export interface HttpClientOptions {
  /** Replaces the transport (tests record or alter what crosses the wire through it). */
  fetch?: FetchLike;
  /** Per attempt, headers and body included (default 10 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onCall?: (report: CallReport) => void;
  /** Default `X-Ping-External-Transaction-ID` of every call. */
  transactionId?: string;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests: a number in [0, 1) for the backoff jitter. */
  random?: () => number;
}

export interface HttpClient {
  /** Sends one call (retrying when allowed); throws {@link PingOneError} on status ≥ 400. */
  call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>>;
  /** HTTP attempts made so far by this client, retries included. */
  readonly calls: number;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** The URL without its query or fragment: safe to log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
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

function getSetCookies(headers: Headers): string[] {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const joined = headers.get('set-cookie');
  return joined ? [joined] : [];
}

/** A `fetch` as an {@link HttpSend}. */
function sendThrough(fetchLike: FetchLike): HttpSend {
  return async (url, init = {}) => {
    const res = await fetchLike(url, { ...init, redirect: 'manual' });
    const text = await res.text();
    return {
      status: res.status,
      header: (name) => res.headers.get(name),
      setCookies: getSetCookies(res.headers),
      text,
    };
  };
}

function truncateHeader(value: string): string {
  return value.length > 100 ? value.slice(0, 100) : value;
}

/**
 * The `Authorization` value for client_secret_basic, built from the raw client id and secret
 * (RFC 7617), byte for byte what Ping's examples and Postman collection send. RFC 6749 §2.3.1
 * would form-urlencode both first (openid-client turns every `-` of the UUID client id into
 * `%2D`), and nothing published says whether PingOne decodes that. PingOne's client ids and
 * secrets use only letters, digits and `-._~`, which read the same decoded or not, so these
 * bytes work either way. Both the worker token and the code exchange use it.
 * See docs/pingone-contract.md §6.19.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

function buildRequest(call: PingOneCall, defaultTransactionId: string | undefined) {
  const headers: Record<string, string> = {
    Accept: call.host === 'auth' ? '*/*' : 'application/json',
  };
  let body: string | undefined;
  if (call.json !== undefined) {
    headers['Content-Type'] = call.contentType ?? 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const params =
      call.form instanceof URLSearchParams
        ? call.form
        : new URLSearchParams(
            Object.entries(call.form).filter((e): e is [string, string] => e[1] !== undefined),
          );
    body = params.toString();
  }
  if (call.bearer) headers.Authorization = `Bearer ${call.bearer}`;
  if (call.basic)
    headers.Authorization = basicAuthorization(call.basic.username, call.basic.password);
  if (call.cookie) headers.Cookie = call.cookie;
  const transactionId = call.transactionId ?? defaultTransactionId;
  if (transactionId) headers['X-Ping-External-Transaction-ID'] = truncateHeader(transactionId);
  if (call.sessionId) headers['X-Ping-External-Session-ID'] = truncateHeader(call.sessionId);
  Object.assign(headers, call.headers);
  return { headers, body };
}

function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

class TimeoutSignal extends Error {
  constructor() {
    super('timeout');
    this.name = 'TimeoutError';
  }
}

/** Creates a PingOne HTTP client; share one per process (or per setup run, for its call count). */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const send: HttpSend = options.fetch ? sendThrough(options.fetch) : nodeTransport.send;
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let calls = 0;

  const report = (r: CallReport) => {
    try {
      options.onCall?.(r);
    } catch {
      // A logging hook must never break a call.
    }
  };

  async function attemptOnce<T>(
    call: PingOneCall,
    url: string,
    safeUrl: string,
    attempt: number,
  ): Promise<{ response?: PingOneResponse<T>; error?: PingOneError }> {
    const { headers, body } = buildRequest(call, options.transactionId);
    const controller = new AbortController();
    const timeoutMs = call.timeoutMs ?? defaultTimeout;
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), timeoutMs);
    const onCallerAbort = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const base = { step: call.step, method: call.method, url: safeUrl };
    calls += 1;
    try {
      const res = await send(url, {
        method: call.method,
        headers,
        body,
        signal: controller.signal,
      });
      const parsed = parseBody(res.text, res.header('content-type'));
      if (res.status < 400 || call.okStatus?.includes(res.status)) {
        return {
          response: {
            status: res.status,
            body: parsed as T,
            setCookies: res.setCookies,
            location: res.header('location') ?? undefined,
            attempts: attempt,
          },
        };
      }
      const error = new PingOneError({
        ...base,
        status: res.status,
        ...parseErrorBody(parsed),
        attempts: attempt,
        retryAfterMs: parseRetryAfter(res.header('retry-after')),
      });
      return { error };
    } catch (cause) {
      const timedOut = controller.signal.reason instanceof TimeoutSignal;
      const aborted = !timedOut && call.signal?.aborted === true;
      const code = timedOut
        ? LOCAL_ERROR_CODES.timeout
        : aborted
          ? 'ABORTED'
          : LOCAL_ERROR_CODES.network;
      const description = timedOut
        ? `no answer within ${timeoutMs} ms`
        : aborted
          ? 'the call was cancelled'
          : networkDescription(cause);
      return {
        error: new PingOneError({ ...base, code, description, attempts: attempt, cause }),
      };
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    get calls() {
      return calls;
    },
    async call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>> {
      const url = withQuery(call.url, call.query);
      const safeUrl = redactUrl(url);
      const idempotent = call.idempotent ?? (call.method === 'GET' || call.method === 'PUT');
      const sentId = call.transactionId ?? options.transactionId;
      const correlation = {
        ...(sentId ? { transactionId: truncateHeader(sentId) } : {}),
        ...(call.requestId ? { requestId: call.requestId } : {}),
      };
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        const { response, error } = await attemptOnce<T>(call, url, safeUrl, attempt);
        const durationMs = Math.round(performance.now() - started);
        if (response) {
          report({
            step: call.step,
            method: call.method,
            url: safeUrl,
            status: response.status,
            durationMs,
            attempt,
            willRetry: false,
            ...correlation,
          });
          return response;
        }
        const err = error!;
        const retryable =
          idempotent &&
          err.code !== 'ABORTED' &&
          (err.status === undefined ? true : RETRY_STATUSES.has(err.status));
        let delay: number | undefined;
        if (retryable && attempt < policy.maxAttempts) {
          if (err.retryAfterMs !== undefined) {
            delay = err.retryAfterMs <= policy.maxRetryAfterMs ? err.retryAfterMs : undefined;
          } else {
            const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
            delay = Math.round(backoff * (0.5 + random() / 2));
          }
        }
        const r: CallReport = {
          step: call.step,
          method: call.method,
          url: safeUrl,
          durationMs,
          attempt,
          willRetry: delay !== undefined,
          ...correlation,
        };
        if (err.status !== undefined) r.status = err.status;
        if (err.pingoneErrorId) r.pingoneErrorId = err.pingoneErrorId;
        r.errorCode = err.code;
        report(r);
        if (delay === undefined) throw err;
        await sleep(delay);
        if (call.signal?.aborted) throw err;
      }
    },
  };
}

function networkDescription(cause: unknown): string {
  // fetch and the node transport wrap the system error (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const inner = (cause as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof inner?.code === 'string' ? inner.code : undefined;
  return code ? `network error (${code})` : 'network error';
}
