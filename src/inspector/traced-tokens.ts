import { performance } from 'node:perf_hooks';
import { IdTokenRejectedError, type TokenClient } from '../pingone/flow.js';
import { redactUrl, type FetchLike } from '../pingone/http.js';
import type { InspectorOptions } from './inspector-options.js';
import { elapsed, type Recorder } from './recorder.js';
import { callbackStep, summarizeTokenResponse, tokenStep } from './steps.js';

/** The token client, recording the hosted callback and the token step. */
export function traceTokens(
  rec: Recorder,
  options: Pick<InspectorOptions, 'urls' | 'ui' | 'clientId'>,
): (inner: TokenClient) => TokenClient {
  const { scope, record, keep, now } = rec;
  const { urls } = options;
  return (inner: TokenClient): TokenClient => ({
    async exchange(exchange) {
      const s = scope.getStore();
      if (!s) return inner.exchange(exchange);
      keep(s, exchange.response.code, exchange.codeVerifier);
      if (options.ui === 'hosted' && s.path === '/callback') {
        const q: { code?: string; state?: string; iss?: string } = {
          code: exchange.response.code,
        };
        if (exchange.response.state) q.state = exchange.response.state;
        if (exchange.response.iss) q.iss = exchange.response.iss;
        record(s, s.session(), callbackStep(q, now()));
      }
      s.sideCalls = [];
      delete s.tokenHttp;
      delete s.tokenResponse;
      delete s.idToken;
      const started = performance.now();
      const facts = () => ({
        url: urls.token,
        clientId: options.clientId,
        redirectUri: exchange.redirectUri,
        sideCalls: s.sideCalls,
        ...(s.tokenResponse ? { response: s.tokenResponse } : {}),
        http: {
          method: 'POST',
          url: urls.token,
          durationMs: s.tokenHttp?.durationMs ?? elapsed(started),
          ...(s.tokenHttp?.status !== undefined ? { status: s.tokenHttp.status } : {}),
        },
        now: now(),
      });
      try {
        const claims = await inner.exchange(exchange);
        record(s, s.session(), tokenStep(facts()));
        return claims;
      } catch (error) {
        // A token that failed our checks came with a 200: the token step itself went well.
        record(
          s,
          s.session(),
          tokenStep(error instanceof IdTokenRejectedError ? facts() : { ...facts(), error }),
        );
        throw error;
      }
    },
  });
}

/** Wraps the token client's fetch to read the token response (to decode it, never to keep it). */
export function traceTokenFetch(
  rec: Recorder,
  urls: InspectorOptions['urls'],
): (base: FetchLike) => FetchLike {
  const { scope } = rec;
  return (base: FetchLike): FetchLike =>
    async (input, init) => {
      const s = scope.getStore();
      if (!s) return base(input, init);
      const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const url = redactUrl(raw);
      const method = init?.method ?? 'GET';
      const started = performance.now();
      const isToken = url === urls.token;
      let res: Response;
      try {
        res = await base(input, init);
      } catch (error) {
        if (isToken) s.tokenHttp = { method, url, durationMs: elapsed(started) };
        else s.sideCalls.push({ method, url, durationMs: elapsed(started) });
        throw error;
      }
      const durationMs = elapsed(started);
      if (!isToken) {
        s.sideCalls.push({ method, url, status: res.status, durationMs });
        return res;
      }
      s.tokenHttp = { method, url, status: res.status, durationMs };
      try {
        const body = (await res.clone().json()) as Record<string, unknown>;
        for (const name of ['access_token', 'id_token', 'refresh_token']) {
          if (typeof body[name] === 'string') s.secrets.add(body[name]);
        }
        s.tokenResponse = summarizeTokenResponse(res.status, body);
        if (s.tokenResponse.idToken) s.idToken = s.tokenResponse.idToken;
      } catch {
        // Not JSON: the token client reports the failure; nothing to decode.
      }
      return res;
    };
}
