import * as client from 'openid-client';
import { callScope } from '../http.js';
import { basicAuthorization } from '../wire.js';
import { type HttpClient } from '../http.js';
import type { PingOneUrls } from '../urls.js';
import { verifiedClaims, type VerifiedIdToken } from './id-token-claims.js';
import { IdTokenRejectedError, triage } from './token-errors.js';
import type { AuthorizeResponse } from './types.js';

export { IdTokenRejectedError } from './token-errors.js';
export type { VerifiedIdToken } from './id-token-claims.js';

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
}

export interface TokenClient {
  /**
   * Step 19: exchanges the code (client_secret_basic from the raw id and secret, + PKCE) and
   * validates the ID token: signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nonce`.
   * Throws {@link PingOneError} when PingOne failed or refused (`invalid_grant`…) and
   * {@link IdTokenRejectedError} when a check failed.
   */
  exchange(exchange: CodeExchange): Promise<VerifiedIdToken>;
}

/**
 * The token step with panva's openid-client as its documentation shows: `discovery()` once, its
 * `customFetch` set to our one call path (src/pingone/http.ts), and the approval's ids carried to
 * that fetch by {@link callScope}. openid-client does not verify an ID token's signature when it
 * comes straight from the token endpoint over TLS (OpenID Connect Core §3.1.3.7 allows skipping
 * it); a relying party that approves money verifies it anyway: `enableNonRepudiationChecks`.
 * `allowInsecureRequests` is set only for an http issuer (the local emulator).
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
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

  const customFetch: client.CustomFetch = (url, init) =>
    http.fetch(stepOf(url), url, init as RequestInit);

  function configuration(): Promise<client.Configuration> {
    configured ??= client
      .discovery(
        new URL(urls.issuer),
        options.clientId,
        { client_secret: options.clientSecret },
        rawClientSecretBasic(options.clientSecret),
        {
          [client.customFetch]: customFetch,
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
        throw await triage('discovery', 'GET', urls.discovery, error);
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
        throw await triage('token', 'POST', urls.token, error);
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
          throw await triage('userinfo', 'GET', url, error, 'userinfo: ');
        });
      if (typeof userinfo.preferred_username === 'string') {
        out.preferred_username = userinfo.preferred_username;
      }
    }
    return out;
  }

  return {
    exchange(request) {
      const { transactionId, requestId } = request;
      return callScope.run({ transactionId, requestId }, () => exchange(request));
    },
  };
}

/**
 * client_secret_basic as PingOne's own examples send it, as openid-client's documented custom
 * {@link client.ClientAuth}: its `ClientSecretBasic` form-urlencodes the id and secret first
 * (RFC 6749 §2.3.1), and whether PingOne decodes them is not documented (docs/pingone-contract.md
 * §6.19). See {@link basicAuthorization}.
 */
function rawClientSecretBasic(clientSecret: string): client.ClientAuth {
  return (_server, metadata, _body, headers) => {
    headers.set('authorization', basicAuthorization(metadata.client_id, clientSecret));
  };
}
