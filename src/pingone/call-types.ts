import type { FetchLike } from './transport.js';

export type { FetchLike } from './transport.js';
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
  /** Default `X-Ping-External-Transaction-ID` of every call. */
  transactionId?: string;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests: a number in [0, 1) for the backoff jitter. */
  random?: () => number;
}

/** The ids a call made for openid-client carries: the approval it serves. */
export interface FetchContext {
  /** Names each call from its URL (`token`, `jwks`, `userinfo`…). */
  step(url: string): string;
  transactionId?: string | undefined;
  requestId?: string | undefined;
}

export interface HttpClient {
  /** Names this client's calls on the `pingone.call` channel (src/pingone/call-events.ts). */
  readonly id: number;
  /** Sends one call (retrying when allowed); throws {@link PingOneError} on status ≥ 400. */
  call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>>;
  /**
   * The same path as openid-client's `customFetch`: deadlines, retries of GETs, one event per
   * attempt. Error statuses come back as a Response (openid-client reads them); a timeout or a
   * network failure rejects with a {@link PingOneError}.
   */
  fetchFor(context: FetchContext): FetchLike;
  /** HTTP attempts made so far by this client, retries included. */
  readonly calls: number;
}
