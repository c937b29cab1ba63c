/**
 * The one way this project calls PingOne, openid-client's calls included: a deadline per
 * attempt, the error body as a {@link PingOneError}, retries of what is safe to repeat, the W3C
 * `traceparent`, one event per attempt on `pingone.call`. It never logs a header or a body.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#rate-limiting
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation } from '@opentelemetry/api';
import { callsObserved, publishCall, urlTemplate } from './call-events.js';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from './pingone-error.js';
import {
  buildRequest,
  networkDescription,
  parseBody,
  parseRetryAfter,
  redactUrl,
  requestJson,
  truncateHeader,
  withQuery,
  type Answer,
  type PingOneCall,
} from './wire.js';
import { workflowStepOf } from './workflow-steps.js';

export type FetchLike = typeof fetch;
export interface PingOneResponse<T = unknown> {
  status: number;
  body: T;
  setCookies: string[];
  /** Redirects are never followed. */
  location: string | undefined;
  attempts: number;
}

const DEFAULT_RETRY = {
  maxAttempts: 4,
  /** Doubled per retry, with jitter, up to `maxDelayMs`. */
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  /** A longer `Retry-After` is not waited for: the call fails at once. */
  maxRetryAfterMs: 30_000,
};
export type RetryPolicy = typeof DEFAULT_RETRY;

export type HttpClient = ReturnType<typeof createHttpClient>;

/**
 * The approval a call serves. openid-client hands its `customFetch` nothing about the exchange,
 * so the token step runs inside this scope and the fetch reads it back.
 */
export const callScope = new AsyncLocalStorage<Pick<PingOneCall, 'transactionId' | 'requestId'>>();

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/** Headers as a plain object: ours as built, openid-client's as its `customFetch` gets them. */
export type FetchInit = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

interface Outgoing extends Pick<PingOneCall, 'step' | 'transactionId' | 'requestId'> {
  method: string;
  idempotent?: boolean | undefined;
  /** Ours: body read inside the deadline; openid-client's: its Response handed on unread. */
  ours: boolean;
  signal?: AbortSignal | null | undefined;
}

interface Attempt {
  response?: Answer;
  body?: unknown;
  error?: PingOneError;
  attempts: number;
}

let clients = 0;

/** Creates a PingOne HTTP client; share one per process (or per setup run, for its call count). */
export function createHttpClient(
  options: {
    /** Tests record or alter what crosses the wire through it. */
    fetch?: FetchLike | undefined;
    timeoutMs?: number | undefined;
    retry?: Partial<RetryPolicy> | undefined;
    sleep?: ((ms: number) => Promise<void>) | undefined;
    random?: (() => number) | undefined;
  } = {},
) {
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
      let text = '';
      if (out.ours) text = await response.text();
      else if (failed) text = await (response as Response).clone().text();
      const body = parseBody(text, response.headers.get('content-type'));
      const done: Attempt = { response, body, attempts: attempt };
      if (failed) {
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
    const workflow = workflowStepOf(step, method, safeUrl);
    publishCall({
      client: id,
      step,
      method,
      url: safeUrl,
      template: urlTemplate(safeUrl),
      durationMs: Math.round(ms),
      attempt: done.attempts,
      willRetry,
      ...(workflow && { workflowStep: workflow.step, workflowStepName: workflow.name }),
      ...(done.response && { status: done.response.status }),
      ...(done.error?.pingoneErrorId && { pingoneErrorId: done.error.pingoneErrorId }),
      ...(done.error && { errorCode: done.error.code }),
      ...(transactionId && { transactionId: truncateHeader(transactionId) }),
      ...(requestId && { requestId }),
    });
  }

  /** The one call path: the ids and the trace set once, attempts until one may be answered. */
  async function exchange(url: string, init: FetchInit, out: Outgoing): Promise<Attempt> {
    const headers = { ...init.headers };
    if (out.transactionId) {
      headers['X-Ping-External-Transaction-ID'] = truncateHeader(out.transactionId);
    }
    propagation.inject(context.active(), headers);
    const request = { ...init, headers };
    const idempotent = out.idempotent ?? (out.method === 'GET' || out.method === 'PUT');
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const done = await attemptOnce(url, request, out, attempt);
      const delay = done.error ? delayBefore(done.error, idempotent, attempt) : undefined;
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
      const { headers, body } = buildRequest(call);
      const init = { method: call.method, headers, ...(body !== undefined && { body }) };
      const url = withQuery(call.url, call.query);
      const done = await exchange(url, init, { ...call, ours: true });
      const response = done.response!;
      if (done.error && !call.okStatus?.includes(response.status)) throw done.error;
      return {
        status: response.status,
        body: done.body as T,
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
    async fetch(step: string, url: string, init: FetchInit): Promise<Response> {
      const method = (init.method ?? 'GET').toUpperCase();
      const out = { ...callScope.getStore(), step, method, ours: false, signal: init.signal };
      return (await exchange(url, init, out)).response as Response;
    },
  };
}
