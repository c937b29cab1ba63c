/**
 * The one way this project calls PingOne: management, worker token, authorize, flows, resume,
 * and (as openid-client's `customFetch`) discovery, token, JWKS and userinfo. Each attempt has
 * a deadline; an error body becomes a {@link PingOneError}; 429/502/503/504, timeouts and
 * network errors are retried with backoff (honouring `Retry-After` up to a cap) when the call
 * is safe to repeat (GET and PUT; a POST only when the caller says so); and each attempt is one
 * event on the `pingone.call` channel (call-events.ts). Calls carry the W3C `traceparent` of the
 * request they serve when a tracing SDK runs (OpenTelemetry's API is a no-op without one). It
 * never logs or throws a header or a body.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#rate-limiting
 */
import { context, propagation, type TextMapSetter } from '@opentelemetry/api';
import { callsObserved, publishCall, urlTemplate, type CallEvent } from './call-events.js';
import { callScope } from './call-scope.js';
import type {
  HttpClient,
  HttpClientOptions,
  PingOneCall,
  PingOneResponse,
  RetryPolicy,
} from './call-types.js';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from './pingone-error.js';
import {
  buildRequest,
  networkDescription,
  parseBody,
  parseRetryAfter,
  redactUrl,
  truncateHeader,
  withQuery,
} from './wire.js';
import { requestJson, type Answer } from './json-transport.js';
import { workflowStepOf } from './workflow-steps.js';

export {
  PingOneError,
  isPingOneError,
  LOCAL_ERROR_CODES,
  parseErrorBody,
} from './pingone-error.js';
export * from './call-types.js';
export { basicAuthorization, parseRetryAfter, redactUrl, withQuery } from './wire.js';

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

interface Outgoing {
  step: string;
  method: string;
  transactionId?: string | undefined;
  requestId?: string | undefined;
  idempotent: boolean;
  /**
   * Our own call (through json-transport.ts, its body read inside the deadline), or
   * openid-client's (the platform's Response, handed on unread, with its own signal).
   */
  ours: boolean;
  signal?: AbortSignal | undefined;
}

/** One attempt's outcome: an answer (maybe an error status), or no answer and an error. */
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
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
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
    const event: CallEvent = {
      client: id,
      step: out.step,
      method: out.method,
      url: safeUrl,
      template: urlTemplate(safeUrl),
      durationMs: Math.round(ms),
      attempt: done.attempts,
      willRetry,
    };
    const step = workflowStepOf(out.step, out.method, safeUrl);
    if (step) {
      event.workflowStep = step.step;
      event.workflowStepName = step.name;
    }
    const status = done.response?.status ?? done.error?.status;
    if (status !== undefined) event.status = status;
    if (done.error?.pingoneErrorId) event.pingoneErrorId = done.error.pingoneErrorId;
    if (done.error) event.errorCode = done.error.code;
    if (out.transactionId) event.transactionId = truncateHeader(out.transactionId);
    if (out.requestId) event.requestId = out.requestId;
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
    id,
    get calls() {
      return calls;
    },

    async call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>> {
      const { headers, body } = buildRequest(call);
      propagation.inject(context.active(), headers);
      const done = await exchange(
        withQuery(call.url, call.query),
        { method: call.method, headers, ...(body !== undefined && { body }) },
        {
          step: call.step,
          method: call.method,
          transactionId: call.transactionId,
          requestId: call.requestId,
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

    async fetch(step, url, init) {
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
          step,
          method,
          transactionId: scope?.transactionId,
          requestId: scope?.requestId,
          idempotent: method === 'GET' || method === 'PUT',
          ours: false,
          signal: init.signal ?? undefined,
        },
      );
      return done.response as Response;
    },
  };
}
