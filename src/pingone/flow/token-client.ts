import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { callScope, type FetchInit, type HttpClient } from '../http.js';
import {
  LOCAL_ERROR_CODES,
  PingOneError,
  parseErrorBody,
  unexpectedResponse,
} from '../pingone-error.js';
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
    options?: ErrorOptions,
  ) {
    super(`ID token rejected: ${reason}`, options);
    this.name = 'IdTokenRejectedError';
  }
}

/** The evidence from validated claims; a claim of another type than OIDC's is left out. */
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
 * What openid-client threw: PingOne failed or refused ({@link PingOneError}), or an answer failed
 * a check ({@link IdTokenRejectedError}); a discovery document that fails one is PingOne's fault.
 */
async function rethrow(step: string, url: string, error: unknown): Promise<never> {
  // Our call path's own failure (timeout, network), which openid-client wraps in a ClientError.
  const own = causes(error).find((e) => e instanceof PingOneError);
  if (own) throw own;
  const base = { step, method: step === 'token' ? 'POST' : 'GET', url, cause: error };
  if (error instanceof client.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0]?.parameters;
    throw new PingOneError({
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
    throw new PingOneError({
      ...base,
      status: response.status,
      ...said,
      description: said.description ?? describe(error),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
  if (step === 'discovery') throw unexpectedResponse(base, undefined, describe(error), error);
  const prefix = step === 'userinfo' ? 'userinfo: ' : '';
  throw new IdTokenRejectedError(prefix + describe(error), { cause: error });
}

interface CodeExchange {
  response: AuthorizeResponse;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  transactionId: string;
  requestId?: string | undefined;
  /** Hosted mode knows no user ahead: without `preferred_username`, read it from userinfo. */
  needUsername?: boolean;
  /** The authorize request's `max_age`: openid-client then checks `auth_time`. */
  maxAge?: number;
}

export type TokenClient = ReturnType<typeof createTokenClient>;

/**
 * openid-client as its documentation shows: `discovery()` once, `customFetch` set to our call
 * path. It skips an ID token's signature over TLS (OpenID Connect Core §3.1.3.7); a relying
 * party that approves money checks it anyway: `enableNonRepudiationChecks`.
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

  function stepOf(url: string): string {
    if (!endpoints) return 'discovery';
    if (url === endpoints.jwks_uri) return 'jwks';
    if (url === endpoints.userinfo_endpoint) return 'userinfo';
    return 'token';
  }

  // client_secret_basic as PingOne's examples send it: openid-client's form-urlencodes the id and
  // secret (RFC 6749 §2.3.1), which PingOne may not decode (docs/pingone-contract.md §6.19).
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
          [client.customFetch]: (url, init) => http.fetch(stepOf(url), url, init as FetchInit),
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
      .catch((error: unknown) => {
        configured = undefined; // discovered again by the next approval
        return rethrow('discovery', urls.discovery, error);
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
      .catch((error: unknown) => rethrow('token', urls.token, error));
    // `idTokenExpected`: openid-client has already refused an answer without an ID token.
    const claims = tokens.claims()!;
    const out = verifiedClaims(claims, tokens.id_token!);
    if (exchange.needUsername && out.preferred_username === undefined) {
      const userinfo = await client
        .fetchUserInfo(config, tokens.access_token, claims.sub)
        .catch((error: unknown) => {
          const url = endpoints?.userinfo_endpoint ?? `${urls.issuer}/userinfo`;
          return rethrow('userinfo', url, error);
        });
      if (typeof userinfo.preferred_username === 'string')
        out.preferred_username = userinfo.preferred_username;
    }
    return out;
  }

  return {
    /** Step 19: the code for tokens; the ID token's signature, iss, aud, exp, nonce checked. */
    exchange(request: CodeExchange): Promise<VerifiedIdToken> {
      const { transactionId, requestId } = request;
      return callScope.run({ transactionId, requestId }, () => exchange(request));
    },
  };
}
