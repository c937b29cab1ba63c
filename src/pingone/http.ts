/**
 * The one way this project calls PingOne: management, worker token, authorize, flows, resume,
 * and (as openid-client's `customFetch`) discovery, token, JWKS and userinfo. Each attempt has a
 * deadline; an error body becomes a {@link PingOneError}; 429/502/503/504, timeouts and network
 * errors are retried with backoff (honouring `Retry-After` up to a cap) when the call is safe to
 * repeat; each attempt is one event on the `pingone.call` channel (call-events.ts). Calls carry
 * the W3C `traceparent` when a tracing SDK runs. It never logs or throws a header or a body.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#rate-limiting
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, type TextMapSetter } from '@opentelemetry/api';
import { callsObserved, publishCall, urlTemplate, type CallEvent } from './call-events.js';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from './pingone-error.js';
import {
  basicAuthorization,
  definedPairs,
  networkDescription,
  parseBody,
  parseRetryAfter,
  redactUrl,
  requestJson,
  withQuery,
  type Answer,
} from './wire.js';
import { workflowStepOf } from './workflow-steps.js';

export type FetchLike = typeof fetch;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** PingOne's vendor content types (a flow call with plain JSON gets 415). */
export const VENDOR_TYPES = {
  passwordSet: 'application/vnd.pingidentity.password.set+json',
  otpCheck: 'application/vnd.pingidentity.otp.check+json',
} as const;

/** One PingOne request. Exactly one of `json` / `form` / neither carries the body. */
export interface PingOneCall {
  /** What this call does, in words; it names the call in errors and on its event. */
  step: string;
  method: HttpMethod;
  url: string;
  /** Appended to `url`, undefined values left out. Never reported. */
  query?: Record<string, string | undefined>;
  /** `auth` sends `Accept: *\/*` (a strict JSON Accept gets 406 on the auth host). */
  host?: 'api' | 'auth';
  bearer?: string;
  /** client_secret_basic from the raw id and secret. */
  basic?: { username: string; password: string };
  json?: unknown;
  form?: Record<string, string | undefined>;
  /** The type of a `json` body (default `application/json`). */
  contentType?: string;
  cookie?: string;
  /** `X-Ping-External-Transaction-ID`, to find the call in PingOne's audit log. */
  transactionId?: string;
  /** The app's request id this call serves: reported, never sent. */
  requestId?: string | undefined;
  /**
   * Default: true for GET and PUT. A POST is repeated only by callers that first read back to
   * prove it did not land.
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
  attempts: number;
}

export interface RetryPolicy {
  /** The first attempt included. */
  maxAttempts: number;
  /** Doubled per retry, with jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer `Retry-After` is not waited for: the call fails at once. */
  maxRetryAfterMs: number;
}

export interface HttpClientOptions {
  /** Replaces the platform's fetch (tests record or alter what crosses the wire through it). */
  fetch?: FetchLike | undefined;
  /** Per attempt, headers and body included. */
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** In [0, 1), for the backoff jitter. */
  random?: (() => number) | undefined;
}

export type HttpClient = ReturnType<typeof createHttpClient>;

/**
 * The approval a call serves. openid-client hands its `customFetch` nothing about the exchange,
 * so the token step runs inside this scope and the fetch reads it back.
 */
export const callScope = new AsyncLocalStorage<Pick<PingOneCall, 'transactionId' | 'requestId'>>();

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};
/** PingOne reads at most 100 characters of its `X-Ping-External-*` headers. */
const truncateHeader = (value: string) => value.slice(0, 100);

interface Outgoing extends Pick<PingOneCall, 'step' | 'transactionId' | 'requestId'> {
  method: string;
  idempotent: boolean;
  /** Ours (body read inside the deadline) or openid-client's (its Response handed on unread). */
  ours: boolean;
  signal?: AbortSignal | undefined;
}

interface Attempt {
  response?: Answer;
  text?: string;
  error?: PingOneError;
  attempts: number;
}

let clients = 0;

const headersSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

/** Creates a PingOne HTTP client; share one per process (or per setup run, for its call count). */
export function createHttpClient(options: HttpClientOptions = {}) {
  const sendOurs = options.fetch ?? requestJson;
  const sendFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const id = ++clients;
  let calls = 0;

  async function attemptOnce(url: string, init: RequestInit, out: Outgoing, attempt: number) {
    const base = { step: out.step, method: out.method, url: redactUrl(url), attempts: attempt };
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = out.signal ? AbortSignal.any([deadline, out.signal]) : deadline;
    calls += 1;
    try {
      const send = out.ours ? sendOurs : sendFetch;
      const response = await send(url, { ...init, redirect: 'manual', signal });
      const failed = response.status >= 400;
      const done: Attempt = { response, attempts: attempt };
      if (out.ours) done.text = await response.text();
      else if (failed) done.text = await (response as Response).clone().text();
      if (failed) {
        const body = parseBody(done.text ?? '', response.headers.get('content-type'));
        done.error = new PingOneError({
          ...base,
          status: response.status,
          ...parseErrorBody(body),
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      return done;
    } catch (cause) {
      const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
      const [code, description] = timedOut
        ? [LOCAL_ERROR_CODES.timeout, `no answer within ${timeoutMs} ms`]
        : signal.aborted
          ? ['ABORTED', 'the call was cancelled']
          : [LOCAL_ERROR_CODES.network, networkDescription(cause)];
      return { error: new PingOneError({ ...base, code, description, cause }), attempts: attempt };
    }
  }

  function delayBefore(err: PingOneError, idempotent: boolean, attempt: number) {
    const retryable =
      idempotent &&
      err.code !== 'ABORTED' &&
      (err.status === undefined || RETRY_STATUSES.has(err.status));
    if (!retryable || attempt >= policy.maxAttempts) return undefined;
    if (err.retryAfterMs !== undefined) {
      return err.retryAfterMs <= policy.maxRetryAfterMs ? err.retryAfterMs : undefined;
    }
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(backoff * (0.5 + random() / 2));
  }

  function publish(out: Outgoing, url: string, done: Attempt, ms: number, willRetry: boolean) {
    const safeUrl = redactUrl(url);
    const { step, method, transactionId, requestId } = out;
    const event: CallEvent = {
      client: id,
      step,
      method,
      url: safeUrl,
      template: urlTemplate(safeUrl),
      durationMs: Math.round(ms),
      attempt: done.attempts,
      willRetry,
    };
    const workflow = workflowStepOf(step, method, safeUrl);
    if (workflow) {
      event.workflowStep = workflow.step;
      event.workflowStepName = workflow.name;
    }
    const status = done.response?.status ?? done.error?.status;
    if (status !== undefined) event.status = status;
    if (done.error?.pingoneErrorId) event.pingoneErrorId = done.error.pingoneErrorId;
    if (done.error) event.errorCode = done.error.code;
    if (transactionId) event.transactionId = truncateHeader(transactionId);
    if (requestId) event.requestId = requestId;
    publishCall(event);
  }

  /** The one call path: attempts until one may be answered, one event each. */
  async function exchange(url: string, init: RequestInit, out: Outgoing): Promise<Attempt> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const done = await attemptOnce(url, init, out, attempt);
      const delay = done.error ? delayBefore(done.error, out.idempotent, attempt) : undefined;
      if (callsObserved())
        publish(out, url, done, performance.now() - started, delay !== undefined);
      if (delay === undefined) {
        if (done.response) return done;
        throw done.error;
      }
      if (!out.ours) await (done.response as Response | undefined)?.body?.cancel();
      await sleep(delay);
      if (out.signal?.aborted) throw done.error;
    }
  }

  return {
    /** Names this client's calls on the `pingone.call` channel. */
    id,
    /** HTTP attempts made so far, retries included. */
    get calls() {
      return calls;
    },

    /** Sends one call (retrying when allowed); throws {@link PingOneError} on status ≥ 400. */
    async call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>> {
      const headers: Record<string, string> = {
        Accept: call.host === 'auth' ? '*/*' : 'application/json',
      };
      let body: string | undefined;
      if (call.json !== undefined) {
        headers['Content-Type'] = call.contentType ?? 'application/json';
        body = JSON.stringify(call.json);
      } else if (call.form !== undefined) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(definedPairs(call.form)).toString();
      }
      if (call.bearer) headers.Authorization = `Bearer ${call.bearer}`;
      if (call.basic) {
        headers.Authorization = basicAuthorization(call.basic.username, call.basic.password);
      }
      if (call.cookie) headers.Cookie = call.cookie;
      if (call.transactionId) {
        headers['X-Ping-External-Transaction-ID'] = truncateHeader(call.transactionId);
      }
      propagation.inject(context.active(), headers);
      const done = await exchange(
        withQuery(call.url, call.query),
        { method: call.method, headers, ...(body !== undefined && { body }) },
        {
          ...call,
          idempotent: call.idempotent ?? (call.method === 'GET' || call.method === 'PUT'),
          ours: true,
        },
      );
      const response = done.response!;
      if (done.error && !call.okStatus?.includes(response.status)) throw done.error;
      return {
        status: response.status,
        body: parseBody(done.text ?? '', response.headers.get('content-type')) as T,
        setCookies: response.headers.getSetCookie(),
        location: response.headers.get('location') ?? undefined,
        attempts: done.attempts,
      };
    },

    /**
     * openid-client's `customFetch` on the same path, for a call named `step`: the approval's ids
     * from `callScope`. Error statuses come back as the platform's Response (openid-client reads
     * them); no answer at all rejects with a {@link PingOneError}.
     */
    async fetch(step: string, url: string, init: RequestInit): Promise<Response> {
      const scope = callScope.getStore();
      const method = (init.method ?? 'GET').toUpperCase();
      const headers = new Headers(init.headers);
      if (scope?.transactionId) {
        headers.set('X-Ping-External-Transaction-ID', truncateHeader(scope.transactionId));
      }
      propagation.inject(context.active(), headers, headersSetter);
      const done = await exchange(
        url,
        { ...init, headers },
        {
          ...scope,
          step,
          method,
          idempotent: method === 'GET' || method === 'PUT',
          ours: false,
          signal: init.signal ?? undefined,
        },
      );
      return done.response as Response;
    },
  };
}
