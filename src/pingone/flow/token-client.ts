import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { callScope, type HttpClient } from '../http.js';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from '../pingone-error.js';
import type { PingOneUrls } from '../urls.js';
import { basicAuthorization, parseRetryAfter } from '../wire.js';
import type { AuthorizeResponse } from './flow-client.js';

/** The claims kept as evidence, read after openid-client validated them. */
export interface VerifiedIdToken {
  sub: string;
  acr?: string;
  amr?: string[];
  auth_time?: number;
  sid?: string;
  iss: string;
  aud: string | string[];
  jti?: string;
  /** Without a `jti`: names the token the approval rests on without keeping it. */
  idTokenSha256?: string;
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

/**
 * The evidence from validated claims and the compact token they came from. Claims of another
 * type than the one OpenID Connect gives them are left out rather than trusted.
 */
export function verifiedClaims(claims: client.IDToken, idToken: string): VerifiedIdToken {
  const out: VerifiedIdToken = { sub: claims.sub, iss: claims.iss, aud: claims.aud };
  if (typeof claims.acr === 'string') out.acr = claims.acr;
  if (Array.isArray(claims.amr))
    out.amr = claims.amr.filter((m): m is string => typeof m === 'string');
  if (typeof claims.auth_time === 'number') out.auth_time = claims.auth_time;
  if (typeof claims.sid === 'string') out.sid = claims.sid;
  if (typeof claims.jti === 'string' && claims.jti !== '') out.jti = claims.jti;
  else out.idTokenSha256 = createHash('sha256').update(idToken).digest('base64url');
  if (typeof claims.preferred_username === 'string')
    out.preferred_username = claims.preferred_username;
  return out;
}

/** The error and up to three of its causes, outermost first. */
function causes(error: unknown): Error[] {
  const out: Error[] = [];
  for (let e = error; e instanceof Error && out.length < 4; e = e.cause) out.push(e);
  return out;
}

/** E.g. "OAUTH_INVALID_RESPONSE: … <- signature verification failed". */
function describe(error: unknown): string {
  const parts = causes(error).map((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  });
  return parts.length ? parts.join(' <- ') : String(error);
}

/**
 * What openid-client threw, sorted by its own error classes: PingOne failed or refused
 * ({@link PingOneError}, keeping PingOne's error id), or an answer failed a check
 * ({@link IdTokenRejectedError}). A discovery document that fails a check is PingOne's fault.
 */
async function triage(step: string, url: string, error: unknown) {
  // Our call path's own failure (timeout, network), which openid-client wraps in a ClientError.
  const own = causes(error).find((e) => e instanceof PingOneError);
  if (own) return own;
  const base = { step, method: step === 'token' ? 'POST' : 'GET', url, cause: error };
  if (error instanceof client.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0]?.parameters;
    return new PingOneError({
      ...base,
      status: error.status,
      code: challenge?.error ?? LOCAL_ERROR_CODES.http,
      description: challenge?.error_description ?? describe(error),
    });
  }
  // OAuth's error body, or a status the endpoint does not answer with (a 5xx page, a JWKS that
  // is not there) in PingOne's own error shape (`code`, `message`, `id`).
  const cause = (error as { cause?: unknown }).cause;
  const response =
    error instanceof client.ResponseBodyError
      ? error.response
      : error instanceof client.ClientError && cause instanceof Response && cause.status >= 400
        ? cause
        : undefined;
  if (response) {
    const body = response === cause ? await response.json().catch(() => undefined) : cause;
    const said = parseErrorBody(body);
    return new PingOneError({
      ...base,
      status: response.status,
      ...said,
      description: said.description ?? describe(error),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
  if (step === 'discovery') {
    const code = LOCAL_ERROR_CODES.unexpectedResponse;
    return new PingOneError({ ...base, code, description: describe(error) });
  }
  const prefix = step === 'userinfo' ? 'userinfo: ' : '';
  return new IdTokenRejectedError(prefix + describe(error), { cause: error });
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
  requestId?: string | undefined;
  /**
   * Hosted mode knows no user id ahead: when the ID token carries no `preferred_username`, read
   * it from userinfo (its `sub` must match the ID token's) to tie the approval to our user.
   */
  needUsername?: boolean;
  /** The `max_age` the authorize request sent: openid-client then requires and checks `auth_time`. */
  maxAge?: number;
}

export type TokenClient = ReturnType<typeof createTokenClient>;

/**
 * The token step with panva's openid-client as its documentation shows: `discovery()` once, its
 * `customFetch` set to our one call path, and the approval's ids carried to that fetch by
 * {@link callScope}. openid-client does not verify an ID token's signature when it comes straight
 * from the token endpoint over TLS (OpenID Connect Core §3.1.3.7 allows skipping it); a relying
 * party that approves money verifies it anyway: `enableNonRepudiationChecks`.
 * `allowInsecureRequests` is set only for an http issuer (the local emulator).
 */
export function createTokenClient(options: {
  urls: PingOneUrls;
  clientId: string;
  clientSecret: string;
  http: HttpClient;
  timeoutMs: number;
}) {
  const { urls, http } = options;
  let configured: Promise<client.Configuration> | undefined;
  let endpoints: client.ServerMetadata | undefined;

  /** Names openid-client's calls by the endpoints the discovery document gave for them. */
  function stepOf(url: string): string {
    if (!endpoints) return 'discovery';
    if (url === endpoints.jwks_uri) return 'jwks';
    if (url === endpoints.userinfo_endpoint) return 'userinfo';
    return 'token';
  }

  /**
   * client_secret_basic as PingOne's own examples send it, as openid-client's documented custom
   * `ClientAuth`: its `ClientSecretBasic` form-urlencodes the id and secret first (RFC 6749
   * §2.3.1), and whether PingOne decodes them is not documented (docs/pingone-contract.md §6.19).
   */
  const rawClientSecretBasic: client.ClientAuth = (_server, metadata, _body, headers) => {
    headers.set('authorization', basicAuthorization(metadata.client_id, options.clientSecret));
  };

  function configuration(): Promise<client.Configuration> {
    configured ??= client
      .discovery(
        new URL(urls.issuer),
        options.clientId,
        { client_secret: options.clientSecret },
        rawClientSecretBasic,
        {
          [client.customFetch]: (url, init) => http.fetch(stepOf(url), url, init as RequestInit),
          timeout: options.timeoutMs / 1000,
          ...(new URL(urls.issuer).protocol === 'http:' && {
            execute: [client.allowInsecureRequests],
          }),
        },
      )
      .then((config) => {
        client.enableNonRepudiationChecks(config);
        endpoints = config.serverMetadata();
        return config;
      })
      .catch(async (error: unknown) => {
        configured = undefined; // discovered again by the next approval
        throw await triage('discovery', urls.discovery, error);
      });
    return configured;
  }

  async function exchange(exchange: CodeExchange): Promise<VerifiedIdToken> {
    const config = await configuration();
    // The response came to our server straight from PingOne (pi.flow) or through the browser
    // (hosted): openid-client checks `state` and, if the server advertises it, `iss`.
    const current = new URL(exchange.redirectUri);
    current.searchParams.set('code', exchange.response.code);
    current.searchParams.set('state', exchange.response.state ?? exchange.state);
    if (exchange.response.iss) current.searchParams.set('iss', exchange.response.iss);
    else if (endpoints?.authorization_response_iss_parameter_supported)
      current.searchParams.set('iss', endpoints.issuer);
    const tokens = await client
      .authorizationCodeGrant(config, current, {
        expectedState: exchange.state,
        expectedNonce: exchange.nonce,
        pkceCodeVerifier: exchange.codeVerifier,
        idTokenExpected: true,
        ...(exchange.maxAge !== undefined && { maxAge: exchange.maxAge }),
      })
      .catch(async (error: unknown) => {
        throw await triage('token', urls.token, error);
      });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token)
      throw new IdTokenRejectedError('no ID token in the token response');
    const out = verifiedClaims(claims, tokens.id_token);
    if (exchange.needUsername && out.preferred_username === undefined) {
      const userinfo = await client
        .fetchUserInfo(config, tokens.access_token, claims.sub)
        .catch(async (error: unknown) => {
          const url = endpoints?.userinfo_endpoint ?? `${urls.issuer}/userinfo`;
          throw await triage('userinfo', url, error);
        });
      if (typeof userinfo.preferred_username === 'string') {
        out.preferred_username = userinfo.preferred_username;
      }
    }
    return out;
  }

  return {
    /**
     * Step 19: exchanges the code (client_secret_basic + PKCE) and validates the ID token:
     * signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nonce`. Throws
     * {@link PingOneError} when PingOne failed or refused, {@link IdTokenRejectedError} when a check failed.
     */
    exchange(request: CodeExchange): Promise<VerifiedIdToken> {
      const { transactionId, requestId } = request;
      return callScope.run({ transactionId, requestId }, () => exchange(request));
    },
  };
}
