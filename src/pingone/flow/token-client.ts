import * as client from 'openid-client';
import {
  basicAuthorization,
  LOCAL_ERROR_CODES,
  PingOneError,
  parseRetryAfter,
  redactUrl,
  type CallReport,
  type FetchLike,
} from '../http.js';
import { nodeFetch } from '../node-fetch.js';
import type { PingOneUrls } from '../urls.js';
import type { AuthorizeResponse } from './types.js';

/** The ID token claims the relying party keeps as evidence. */
export interface VerifiedIdToken {
  sub: string;
  acr?: string;
  amr?: string[];
  auth_time?: number;
  sid?: string;
  iss: string;
  aud: string | string[];
  preferred_username?: string;
}

/** The token exchange failed a check: not approved. `reason` is for logs, never for pages. */
export class IdTokenRejectedError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`ID token rejected: ${reason}`, options);
    this.name = 'IdTokenRejectedError';
  }
}

export interface TokenClientOptions {
  urls: PingOneUrls;
  clientId: string;
  clientSecret: string;
  fetch?: FetchLike;
  timeoutMs: number;
  onCall?: (report: CallReport) => void;
}

export interface CodeExchange {
  response: AuthorizeResponse;
  /** The state this flow sent; checked against a returned one. */
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  transactionId: string;
  /** The app's request id the exchange serves: on the call's log line. */
  requestId?: string | undefined;
  /**
   * Hosted mode knows no user id ahead: when the ID token carries no `preferred_username`, read
   * it from userinfo (its `sub` must match the ID token's) to tie the approval to our user.
   */
  needUsername?: boolean;
}

export interface TokenClient {
  /**
   * Step 19: exchanges the code (client_secret_basic from the raw id and secret, + PKCE) and validates the ID token:
   * signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nonce`. Throws
   * {@link PingOneError} when PingOne failed or refused (`invalid_grant`…) and
   * {@link IdTokenRejectedError} when a check failed.
   */
  exchange(exchange: CodeExchange): Promise<VerifiedIdToken>;
}

interface LastAnswer {
  /** Sent as `X-Ping-External-Transaction-ID`, like the flow calls of the same approval. */
  transactionId?: string;
  requestId?: string | undefined;
  status?: number;
  pingoneErrorId?: string;
  retryAfterMs?: number;
  transport?: 'timeout' | 'network';
}

/**
 * The token step with panva's openid-client (discovery, client_secret_basic with the raw
 * credentials, PKCE, ID token validation). openid-client 6 does not verify an ID token's signature when it comes straight
 * from the token endpoint over TLS (OpenID Connect Core §3.1.3.7 allows skipping it); a relying
 * party that approves money verifies it anyway: `enableNonRepudiationChecks`.
 * `allowInsecureRequests` is set only for an http issuer (the local emulator).
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  let configuration:
    Promise<{ config: client.Configuration; metadata: client.ServerMetadata }> | undefined;
  // Per exchange in progress (several approvals run at once): what its last HTTP answer was.
  // openid-client hands our fetch no handle on the exchange, so the request names it: the
  // authorization code in a token request, the access token in a userinfo request. (Not an
  // AsyncLocalStorage: on Node 20 that hooks every promise of the process, ~10% of the app's
  // CPU in `npm run bench`.) A request naming no exchange (the JWKS, fetched once for all the
  // exchanges waiting on it) reports to all of them, and discovery reports to `discovering`.
  const inFlight = new Map<string, LastAnswer>();
  let discovering: LastAnswer | undefined;
  const answersFor = (init: RequestInit): LastAnswer[] => {
    const key =
      init.body instanceof URLSearchParams
        ? init.body.get('code')
        : new Headers(init.headers).get('authorization')?.replace(/^Bearer /i, '');
    const one = key ? inFlight.get(key) : undefined;
    if (one) return [one];
    if (discovering) return [discovering];
    return [...inFlight.values()];
  };
  async function tracked<T>(key: string, last: LastAnswer, run: () => Promise<T>): Promise<T> {
    inFlight.set(key, last);
    try {
      return await run();
    } finally {
      if (inFlight.get(key) === last) inFlight.delete(key);
    }
  }
  const baseFetch: FetchLike = options.fetch ?? nodeFetch;
  const insecure = new URL(options.urls.issuer).protocol === 'http:';

  // Every openid-client request goes through here: it remembers the last answer so that a
  // failure can be classified (PingOne down vs. PingOne said no vs. a check failed).
  const observedFetch: client.CustomFetch = async (url, init) => {
    const started = performance.now();
    const step = url.endsWith('/token')
      ? 'token'
      : url.includes('/.well-known/')
        ? 'discovery'
        : 'token';
    const report = (r: Partial<CallReport>) =>
      options.onCall?.({
        step,
        method: init.method as CallReport['method'],
        url: redactUrl(url),
        durationMs: Math.round(performance.now() - started),
        attempt: 1,
        willRetry: false,
        ...r,
      });
    const answers = answersFor(init as RequestInit);
    const last: LastAnswer = answers.length === 1 ? answers[0]! : {};
    const note = (update: (answer: LastAnswer) => void) => answers.forEach(update);
    const correlation = {
      ...(last.transactionId ? { transactionId: last.transactionId } : {}),
      ...(last.requestId ? { requestId: last.requestId } : {}),
    };
    let request = init as RequestInit;
    if (last.transactionId) {
      const headers = new Headers(request.headers);
      headers.set('X-Ping-External-Transaction-ID', last.transactionId.slice(0, 100));
      request = { ...request, headers };
    }
    try {
      const res = await baseFetch(url, request);
      let pingoneErrorId: string | undefined;
      let retryAfterMs: number | undefined;
      if (res.status >= 400) {
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        try {
          const body = (await res.clone().json()) as { id?: unknown };
          if (typeof body.id === 'string') pingoneErrorId = body.id;
        } catch {
          // Not JSON: nothing more to learn.
        }
      }
      note((answer) => {
        delete answer.transport;
        answer.status = res.status;
        if (retryAfterMs !== undefined) answer.retryAfterMs = retryAfterMs;
        if (pingoneErrorId) answer.pingoneErrorId = pingoneErrorId;
      });
      report({ status: res.status, ...(pingoneErrorId ? { pingoneErrorId } : {}), ...correlation });
      return res;
    } catch (error) {
      const timedOut =
        (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError';
      note((answer) => (answer.transport = timedOut ? 'timeout' : 'network'));
      report({
        errorCode: timedOut ? LOCAL_ERROR_CODES.timeout : LOCAL_ERROR_CODES.network,
        ...correlation,
      });
      throw error;
    }
  };

  function discover() {
    configuration ??= (async () => {
      const last: LastAnswer = {};
      discovering = last;
      try {
        const config = await client.discovery(
          new URL(options.urls.issuer),
          options.clientId,
          { client_secret: options.clientSecret },
          rawClientSecretBasic(options.clientSecret),
          {
            [client.customFetch]: observedFetch,
            timeout: options.timeoutMs / 1000,
            execute: insecure
              ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
              : [client.enableNonRepudiationChecks],
          },
        );
        // serverMetadata() deep-copies on every call: read it once.
        return { config, metadata: config.serverMetadata() };
      } catch (error) {
        configuration = undefined; // try again on the next approval
        throw toPingOneError('discovery', 'GET', options.urls.discovery, error, last);
      } finally {
        discovering = undefined;
      }
    })();
    return configuration;
  }

  return {
    async exchange(exchange) {
      const { config, metadata } = await discover();
      // The response came to our server straight from PingOne (pi.flow) or through the browser
      // (hosted): openid-client checks `state` and, if the server advertises it, `iss`.
      const current = new URL(exchange.redirectUri);
      current.searchParams.set('code', exchange.response.code);
      current.searchParams.set('state', exchange.response.state ?? exchange.state);
      if (exchange.response.iss) current.searchParams.set('iss', exchange.response.iss);
      else if (metadata.authorization_response_iss_parameter_supported)
        current.searchParams.set('iss', metadata.issuer);

      const correlation = {
        transactionId: exchange.transactionId,
        requestId: exchange.requestId,
      };
      const last: LastAnswer = { ...correlation };
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await tracked(exchange.response.code, last, () =>
          client.authorizationCodeGrant(
            config,
            current,
            {
              expectedState: exchange.state,
              expectedNonce: exchange.nonce,
              pkceCodeVerifier: exchange.codeVerifier,
              idTokenExpected: true,
            },
            undefined,
          ),
        );
      } catch (error) {
        if (last.transport || (last.status !== undefined && last.status >= 400)) {
          throw toPingOneError('token', 'POST', options.urls.token, error, last);
        }
        throw new IdTokenRejectedError(describe(error), { cause: error });
      }
      const claims = tokens.claims();
      if (!claims) throw new IdTokenRejectedError('no ID token in the token response');
      const out: VerifiedIdToken = { sub: claims.sub, iss: claims.iss, aud: claims.aud };
      if (typeof claims.acr === 'string') out.acr = claims.acr;
      if (Array.isArray(claims.amr))
        out.amr = claims.amr.filter((m): m is string => typeof m === 'string');
      if (typeof claims.auth_time === 'number') out.auth_time = claims.auth_time;
      if (typeof claims.sid === 'string') out.sid = claims.sid;
      if (typeof claims.preferred_username === 'string')
        out.preferred_username = claims.preferred_username;
      if (exchange.needUsername && out.preferred_username === undefined) {
        const info: LastAnswer = { ...correlation };
        try {
          const userinfo = await tracked(tokens.access_token, info, () =>
            client.fetchUserInfo(config, tokens.access_token, claims.sub),
          );
          if (typeof userinfo.preferred_username === 'string') {
            out.preferred_username = userinfo.preferred_username;
          }
        } catch (error) {
          if (info.transport || (info.status !== undefined && info.status >= 400)) {
            throw toPingOneError(
              'userinfo',
              'GET',
              metadata.userinfo_endpoint ?? `${options.urls.issuer}/userinfo`,
              error,
              info,
            );
          }
          throw new IdTokenRejectedError(`userinfo: ${describe(error)}`, { cause: error });
        }
      }
      return out;
    },
  };
}

/**
 * client_secret_basic as PingOne's own examples send it: openid-client's `ClientSecretBasic`
 * form-urlencodes the id and secret first (RFC 6749 §2.3.1), and whether PingOne decodes them
 * is not documented. See {@link basicAuthorization}.
 */
function rawClientSecretBasic(clientSecret: string): client.ClientAuth {
  return (_server, metadata, _body, headers) => {
    headers.set('authorization', basicAuthorization(metadata.client_id, clientSecret));
  };
}

/** The error and its causes, e.g. "OAUTH_INVALID_RESPONSE: … <- signature verification failed". */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code}: ${e.message}` : e.message);
  }
  return parts.length ? parts.join(' <- ') : String(error);
}

function toPingOneError(
  step: string,
  method: string,
  url: string,
  error: unknown,
  last: LastAnswer,
): PingOneError {
  if (error instanceof PingOneError) return error;
  const oauth = error as { error?: unknown; error_description?: unknown; status?: unknown };
  const base = { step, method, url: redactUrl(url), cause: error };
  if (last.transport) {
    return new PingOneError({
      ...base,
      code: last.transport === 'timeout' ? LOCAL_ERROR_CODES.timeout : LOCAL_ERROR_CODES.network,
      description: last.transport === 'timeout' ? 'no answer in time' : 'network error',
    });
  }
  const init: ConstructorParameters<typeof PingOneError>[0] = {
    ...base,
    code: typeof oauth.error === 'string' ? oauth.error : LOCAL_ERROR_CODES.http,
    description:
      typeof oauth.error_description === 'string' ? oauth.error_description : describe(error),
  };
  if (last.status !== undefined) init.status = last.status;
  if (last.pingoneErrorId) init.pingoneErrorId = last.pingoneErrorId;
  if (last.retryAfterMs !== undefined) init.retryAfterMs = last.retryAfterMs;
  return new PingOneError(init);
}
