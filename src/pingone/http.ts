/**
 * The one way this project calls PingOne: management, worker token, authorize, flows, resume,
 * discovery, token, JWKS and userinfo.
 *
 * Every call gets a timeout, PingOne's error body parsed into a {@link PingOneError}, retries with
 * backoff for 429/502/503/504, timeouts and network errors (honouring `Retry-After`) when the call
 * is safe to repeat (GET and PUT; a POST only when the caller says so), and one event per
 * attempt on the `pingone.call` diagnostics channel (src/pingone/call-events.ts) for the logs,
 * the inspector and the benchmark. It never logs or throws a header or a body.
 *
 * @example
 * ```ts
 * const http = createHttpClient({ timeoutMs: 10_000 });
 * const res = await http.call<Flow>({
 *   step: 'otp.check', host: 'auth', method: 'POST', url: urls.flow(flowId),
 *   json: { otp }, contentType: VENDOR_TYPES.otpCheck, cookie: 'ST=…; ST-NO-SS=…',
 * });
 * res.setCookies;   // every Set-Cookie, to replay on the next flow call
 * res.location;     // the Location of a 302 (calls never follow redirects)
 * ```
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#rate-limiting
 */
import { callsObserved, publishCall, urlTemplate, type CallEvent } from './call-events.js';
import type {
  FetchContext,
  HttpClient,
  HttpClientOptions,
  PingOneCall,
  PingOneResponse,
  RetryPolicy,
} from './call-types.js';
import { sendToPingOne, type FetchLike, type HttpAnswer, type HttpSend } from './transport.js';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from './pingone-error.js';
import {
  buildRequest,
  networkDescription,
  parseBody,
  parseRetryAfter,
  redactUrl,
  sendThrough,
  truncateHeader,
  withQuery,
} from './wire.js';

export {
  PingOneError,
  isPingOneError,
  LOCAL_ERROR_CODES,
  parseErrorBody,
} from './pingone-error.js';
export type { PingOneErrorDetail } from './pingone-error.js';
export * from './call-types.js';
export { basicAuthorization, parseRetryAfter, redactUrl, withQuery } from './wire.js';

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** What openid-client reads of an answer; the rest of the headers stay behind. */
const RESPONSE_HEADERS = ['content-type', 'www-authenticate', 'dpop-nonce', 'retry-after'];

class TimeoutSignal extends Error {
  constructor() {
    super('timeout');
    this.name = 'TimeoutError';
  }
}

interface Answered {
  answer: HttpAnswer;
  body: unknown;
  attempts: number;
}

let clients = 0;

/** Creates a PingOne HTTP client; share one per process (or per setup run, for its call count). */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const send: HttpSend = options.fetch ? sendThrough(options.fetch) : sendToPingOne;
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const id = ++clients;
  let calls = 0;

  async function attemptOnce(
    call: PingOneCall,
    url: string,
    safeUrl: string,
    attempt: number,
    anyStatus: boolean,
  ): Promise<{ answered?: Answered; error?: PingOneError }> {
    const { headers, body } = buildRequest(call, options.transactionId);
    const controller = new AbortController();
    const timeoutMs = call.timeoutMs ?? defaultTimeout;
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), timeoutMs);
    const onCallerAbort = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const base = { step: call.step, method: call.method, url: safeUrl };
    calls += 1;
    try {
      const answer = await send(url, {
        method: call.method,
        headers,
        body,
        signal: controller.signal,
      });
      const parsed = parseBody(answer.text, answer.header('content-type'));
      const error =
        answer.status < 400
          ? undefined
          : new PingOneError({
              ...base,
              status: answer.status,
              ...parseErrorBody(parsed),
              attempts: attempt,
              retryAfterMs: parseRetryAfter(answer.header('retry-after')),
            });
      if (!error || anyStatus || call.okStatus?.includes(answer.status)) {
        return { answered: { answer, body: parsed, attempts: attempt }, ...(error && { error }) };
      }
      return { error };
    } catch (cause) {
      // The caller's own deadline (openid-client's AbortSignal.timeout) is a timeout too.
      const reason = controller.signal.reason as { name?: unknown } | undefined;
      const timedOut = reason instanceof TimeoutSignal || reason?.name === 'TimeoutError';
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

  function delayBefore(err: PingOneError, idempotent: boolean, attempt: number) {
    const retryable =
      idempotent &&
      err.code !== 'ABORTED' &&
      (err.status === undefined ? true : RETRY_STATUSES.has(err.status));
    if (!retryable || attempt >= policy.maxAttempts) return undefined;
    if (err.retryAfterMs !== undefined) {
      return err.retryAfterMs <= policy.maxRetryAfterMs ? err.retryAfterMs : undefined;
    }
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(backoff * (0.5 + random() / 2));
  }

  /** Sends a call, retrying what is safe to retry; one event per attempt. */
  async function run(call: PingOneCall, anyStatus = false): Promise<Answered> {
    const url = withQuery(call.url, call.query);
    const safeUrl = redactUrl(url);
    const idempotent = call.idempotent ?? (call.method === 'GET' || call.method === 'PUT');
    const sentId = call.transactionId ?? options.transactionId;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const { answered, error } = await attemptOnce(call, url, safeUrl, attempt, anyStatus);
      // An error status handed back as an answer (openid-client's calls) is retried the same way.
      const delay = error ? delayBefore(error, idempotent, attempt) : undefined;
      if (callsObserved()) {
        const event: CallEvent = {
          client: id,
          step: call.step,
          method: call.method,
          url: safeUrl,
          template: urlTemplate(safeUrl),
          durationMs: Math.round(performance.now() - started),
          attempt,
          willRetry: delay !== undefined,
        };
        const status = answered?.answer.status ?? error?.status;
        if (status !== undefined) event.status = status;
        if (error?.pingoneErrorId) event.pingoneErrorId = error.pingoneErrorId;
        if (error) event.errorCode = error.code;
        if (sentId) event.transactionId = truncateHeader(sentId);
        if (call.requestId) event.requestId = call.requestId;
        publishCall(event);
      }
      if (delay === undefined) {
        if (answered) return answered;
        throw error!;
      }
      await sleep(delay);
      if (call.signal?.aborted) throw error!;
    }
  }

  return {
    id,
    get calls() {
      return calls;
    },
    async call<T = unknown>(call: PingOneCall): Promise<PingOneResponse<T>> {
      const { answer, body, attempts } = await run(call);
      return {
        status: answer.status,
        body: body as T,
        setCookies: answer.setCookies,
        location: answer.header('location') ?? undefined,
        attempts,
      };
    },
    fetchFor(context: FetchContext) {
      return (async (input: string | URL | Request, init: RequestInit = {}) => {
        const url = input instanceof Request ? input.url : String(input);
        const method = (init.method ?? 'GET').toUpperCase() as PingOneCall['method'];
        const body = init.body;
        if (body !== undefined && body !== null && !(body instanceof URLSearchParams)) {
          throw new TypeError('fetchFor sends URLSearchParams bodies only');
        }
        const { answer } = await run(
          {
            step: context.step(url),
            host: 'auth',
            method,
            url,
            headers: Object.fromEntries(new Headers(init.headers)),
            ...(body ? { form: body } : {}),
            transactionId: context.transactionId,
            requestId: context.requestId,
            ...(init.signal ? { signal: init.signal } : {}),
          },
          true,
        );
        const headers = new Headers();
        for (const name of RESPONSE_HEADERS) {
          const value = answer.header(name);
          if (value !== null) headers.set(name, value);
        }
        return new Response(answer.text || null, { status: answer.status, headers });
      }) as FetchLike;
    },
  };
}
