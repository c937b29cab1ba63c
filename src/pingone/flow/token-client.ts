import * as client from 'openid-client';
import {
  basicAuthorization,
  LOCAL_ERROR_CODES,
  PingOneError,
  parseErrorBody,
  parseRetryAfter,
  redactUrl,
  type HttpClient,
} from '../http.js';
import type { PingOneUrls } from '../urls.js';
import { verifiedClaims, type VerifiedIdToken } from './id-token-claims.js';
import type { AuthorizeResponse } from './types.js';

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
  /** Every call (discovery, token, JWKS, userinfo) goes through it. */
  http: HttpClient;
  timeoutMs: number;
}

export interface CodeExchange {
  response: AuthorizeResponse;
  /** The state this flow sent; checked against a returned one. */
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** Sent as `X-Ping-External-Transaction-ID`, like the flow calls of the same approval. */
  transactionId: string;
  /** The app's request id the exchange serves: on the calls' events. */
  requestId?: string | undefined;
  /**
   * Hosted mode knows no user id ahead: when the ID token carries no `preferred_username`, read
   * it from userinfo (its `sub` must match the ID token's) to tie the approval to our user.
   */
  needUsername?: boolean;
  /**
   * The `max_age` the authorize request sent: openid-client then requires `auth_time` and checks
   * it against this age (with its clock tolerance).
   */
  maxAge?: number;
  /** Given the token endpoint's JSON answer, checked or not (the inspector decodes it). */
  onTokenResponse?: (status: number, body: Record<string, unknown>) => void;
}

export interface TokenClient {
  /**
   * Step 19: exchanges the code (client_secret_basic from the raw id and secret, + PKCE) and
   * validates the ID token: signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nonce`,
   * and `auth_time` when `maxAge` is given.
   * Throws {@link PingOneError} when PingOne failed or refused (`invalid_grant`…) and
   * {@link IdTokenRejectedError} when a check failed.
   */
  exchange(exchange: CodeExchange): Promise<VerifiedIdToken>;
}

/**
 * The token step with panva's openid-client (client_secret_basic with the raw credentials,
 * PKCE, ID token validation), its HTTP on our one call path (src/pingone/http.ts).
 * openid-client 6 does not verify an ID token's signature when it comes straight from the token
 * endpoint over TLS (OpenID Connect Core §3.1.3.7 allows skipping it); a relying party that
 * approves money verifies it anyway: `enableNonRepudiationChecks`. `allowInsecureRequests` is
 * set only for an http issuer (the local emulator).
 *
 * Each exchange gets a Configuration of its own (~20 µs), whose fetch carries that approval's
 * ids into the call events and the `X-Ping-External-Transaction-ID` header; openid-client hands
 * a shared fetch no handle on the exchange it serves. The discovery document is read once and
 * the JWKS cache is handed from one exchange to the next, so neither is fetched per approval.
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const { urls, http } = options;
  const insecure = new URL(urls.issuer).protocol === 'http:';
  let discovered: Promise<client.ServerMetadata> | undefined;
  let jwks: ReturnType<typeof client.getJwksCache>;
  const auth = rawClientSecretBasic(options.clientSecret);

  function discover() {
    discovered ??= http
      .call<client.ServerMetadata>({
        step: 'discovery',
        host: 'auth',
        method: 'GET',
        url: urls.discovery,
      })
      .then((res) => {
        // As openid-client's discovery: the document must name the issuer we asked about.
        if (typeof res.body !== 'object' || res.body?.issuer !== urls.issuer) {
          throw new PingOneError({
            step: 'discovery',
            method: 'GET',
            url: urls.discovery,
            status: res.status,
            code: LOCAL_ERROR_CODES.unexpectedResponse,
            description: 'the discovery document does not name this issuer',
          });
        }
        return res.body;
      })
      .catch((error: unknown) => {
        discovered = undefined; // try again on the next approval
        throw error;
      });
    return discovered;
  }

  function configure(metadata: client.ServerMetadata, exchange: CodeExchange) {
    const config = new client.Configuration(
      metadata,
      options.clientId,
      { client_secret: options.clientSecret },
      auth,
    );
    const fetch = http.fetchFor({
      step: (url) => stepOf(metadata, url),
      transactionId: exchange.transactionId,
      requestId: exchange.requestId,
    });
    const report = exchange.onTokenResponse;
    config[client.customFetch] = report
      ? async (url, init) => {
          const res = await fetch(url, init as RequestInit);
          if (url === metadata.token_endpoint) {
            const body = (await res
              .clone()
              .json()
              .catch(() => undefined)) as unknown;
            if (typeof body === 'object' && body)
              report(res.status, body as Record<string, unknown>);
          }
          return res;
        }
      : (fetch as client.CustomFetch);
    config.timeout = options.timeoutMs / 1000;
    if (insecure) client.allowInsecureRequests(config);
    client.enableNonRepudiationChecks(config);
    if (jwks) client.setJwksCache(config, jwks);
    return config;
  }

  return {
    async exchange(exchange) {
      const metadata = await discover();
      const config = configure(metadata, exchange);
      // The response came to our server straight from PingOne (pi.flow) or through the browser
      // (hosted): openid-client checks `state` and, if the server advertises it, `iss`.
      const current = new URL(exchange.redirectUri);
      current.searchParams.set('code', exchange.response.code);
      current.searchParams.set('state', exchange.response.state ?? exchange.state);
      if (exchange.response.iss) current.searchParams.set('iss', exchange.response.iss);
      else if (metadata.authorization_response_iss_parameter_supported)
        current.searchParams.set('iss', metadata.issuer);
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, current, {
          expectedState: exchange.state,
          expectedNonce: exchange.nonce,
          pkceCodeVerifier: exchange.codeVerifier,
          idTokenExpected: true,
          ...(exchange.maxAge !== undefined && { maxAge: exchange.maxAge }),
        });
      } catch (error) {
        throw await classify('token', 'POST', urls.token, error);
      } finally {
        jwks = client.getJwksCache(config) ?? jwks;
      }
      const claims = tokens.claims();
      if (!claims || !tokens.id_token)
        throw new IdTokenRejectedError('no ID token in the token response');
      const out = verifiedClaims(claims, tokens.id_token);
      if (exchange.needUsername && out.preferred_username === undefined) {
        const userinfoUrl = metadata.userinfo_endpoint ?? `${urls.issuer}/userinfo`;
        try {
          const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
          if (typeof userinfo.preferred_username === 'string') {
            out.preferred_username = userinfo.preferred_username;
          }
        } catch (error) {
          throw await classify('userinfo', 'GET', userinfoUrl, error, 'userinfo: ');
        }
      }
      return out;
    },
  };
}

/** Names openid-client's calls by the endpoint the discovery document gave for them. */
function stepOf(metadata: client.ServerMetadata, url: string): string {
  if (url === metadata.jwks_uri) return 'jwks';
  if (url === metadata.userinfo_endpoint) return 'userinfo';
  // The token endpoint, and anything openid-client might call that we do not name.
  return 'token';
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

/**
 * What openid-client threw, by its own error classes: PingOne failed or refused
 * ({@link PingOneError}), or the answer came (a 2xx) and failed a check
 * ({@link IdTokenRejectedError}).
 */
async function classify(
  step: string,
  method: string,
  url: string,
  error: unknown,
  prefix = '',
): Promise<PingOneError | IdTokenRejectedError> {
  // Our call path's own failure (timeout, network), which openid-client wraps in a ClientError.
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof PingOneError) return e;
  }
  const base = { step, method, url: redactUrl(url), cause: error };
  if (error instanceof client.ResponseBodyError) {
    const body = error.cause as { id?: unknown };
    return new PingOneError({
      ...base,
      status: error.status,
      code: error.error,
      description: error.error_description ?? describe(error),
      ...(typeof body.id === 'string' ? { pingoneErrorId: body.id } : {}),
      retryAfterMs: parseRetryAfter(error.response.headers.get('retry-after')),
    });
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    return new PingOneError({
      ...base,
      status: error.status,
      code: error.cause[0]?.parameters.error ?? LOCAL_ERROR_CODES.http,
      description: error.cause[0]?.parameters.error_description ?? describe(error),
    });
  }
  // A status the endpoint does not answer with (a 5xx page, a JWKS that is not there).
  const answer = (error as { cause?: unknown }).cause;
  if (error instanceof client.ClientError && answer instanceof Response && answer.status >= 400) {
    // PingOne's own error shape (`code`, `message`, `id`) rather than OAuth's.
    const body = (await answer.json().catch(() => undefined)) as unknown;
    const said = parseErrorBody(body);
    return new PingOneError({
      ...base,
      status: answer.status,
      ...said,
      description: said.description ?? describe(error),
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
    });
  }
  return new IdTokenRejectedError(prefix + describe(error), { cause: error });
}
