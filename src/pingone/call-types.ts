export type FetchLike = typeof fetch;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** PingOne's vendor content types (a flow call with plain JSON gets 415). */
export const VENDOR_TYPES = {
  passwordSet: 'application/vnd.pingidentity.password.set+json',
  otpCheck: 'application/vnd.pingidentity.otp.check+json',
} as const;

/** One PingOne request. Exactly one of `json` / `form` / neither carries the body. */
export interface PingOneCall {
  /** What this call does, in words; it names the call in errors and on the call's event. */
  step: string;
  method: HttpMethod;
  url: string;
  /** Appended to `url`; undefined values are left out. Never reported. */
  query?: Record<string, string | undefined>;
  /**
   * `auth` (the `auth.pingone.*` host) sends `Accept: *\/*` (a strict JSON Accept gets 406
   * there); `api` (default) sends `Accept: application/json`.
   */
  host?: 'api' | 'auth';
  bearer?: string;
  /** HTTP Basic (client_secret_basic) from the raw id and secret. */
  basic?: { username: string; password: string };
  json?: unknown;
  /** An `application/x-www-form-urlencoded` body. */
  form?: Record<string, string | undefined>;
  /** The type of a `json` body (default `application/json`), e.g. {@link VENDOR_TYPES}.otpCheck. */
  contentType?: string;
  /** The `Cookie` header to replay. */
  cookie?: string;
  /** `X-Ping-External-Transaction-ID` (≤100 chars) to find the call in PingOne's audit log. */
  transactionId?: string;
  /** Our own request id (`X-Request-Id`) this call serves; reported, never sent. */
  requestId?: string | undefined;
  /**
   * Whether repeating the call is harmless. Defaults to true for GET and PUT, false otherwise
   * (a POST is repeated only by callers that first read back to prove it did not land).
   */
  idempotent?: boolean;
  /** Error statuses returned as a response instead of thrown (e.g. 404 on a read). */
  okStatus?: number[];
}

export interface PingOneResponse<T = unknown> {
  status: number;
  /** Parsed JSON when the body is JSON, else the text, or undefined when empty. */
  body: T;
  setCookies: string[];
  /** Redirects are never followed. */
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
  /** Replaces the platform's fetch (tests record or alter what crosses the wire through it). */
  fetch?: FetchLike | undefined;
  /** Per attempt, headers and body included (default 10 s). */
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** A number in [0, 1) for the backoff jitter. */
  random?: (() => number) | undefined;
}

export interface HttpClient {
  /** Names this client's calls on the `pingone.call` channel (src/pingone/call-events.ts). */
  readonly id: number;
  /** Sends one call (retrying when allowed); throws {@link PingOneError} on status ≥ 400. */
  call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>>;
  /**
   * openid-client's `customFetch` on the same path, for a call named `step`: the ids of the
   * approval from `callScope`, a deadline, retries of GETs, one event per attempt. Error
   * statuses come back as the platform's Response (openid-client reads them); no answer at all
   * rejects with a {@link PingOneError}.
   */
  fetch(step: string, url: string, init: RequestInit): Promise<Response>;
  /** HTTP attempts made so far, retries included. */
  readonly calls: number;
}
