import {
  LOCAL_ERROR_CODES,
  PingOneError,
  VENDOR_TYPES,
  type HttpClient,
  type PingOneCall,
  type PingOneResponse,
} from '../http.js';
import type { PingOneUrls } from '../urls.js';
import { cookieHeader, mergeSetCookies, type CookieJar } from './cookies.js';
import type { AuthorizeResponse, PingOneFlow } from './types.js';

/** The authorize request of one approval; the same parameters serve pi.flow and the redirect. */
export interface AuthorizeParams {
  clientId: string;
  /** The signed request JWT, sent as both `request` and `login_hint_token`. */
  requestJwt: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  /** The sign-on policy name (`acr_values`). */
  acrValues: string;
  /** `max_age` in seconds: how old PingOne's authentication of the person may be (0: new). */
  maxAge: number;
  scope?: string;
}

export interface FlowStep {
  flow: PingOneFlow;
  /** The cookie jar after this step's `Set-Cookie` headers. */
  cookies: CookieJar;
}

export interface FlowClientOptions {
  urls: PingOneUrls;
  http: HttpClient;
  /**
   * A worker access token for `/flows` calls. Ping's sample sends one, Ping's docs show cookies
   * only (docs/pingone-contract.md §9): sent only when configured.
   */
  flowsBearer?: () => Promise<string>;
  now?: () => Date;
}

/** Context every call of one flow carries. */
export interface FlowCallContext {
  cookies: CookieJar;
  /** `X-Ping-External-Transaction-ID`: the transfer id, to find the calls in PingOne's audit log. */
  transactionId: string;
  /** The app's request id the call serves: on the call's log line. */
  requestId?: string | undefined;
}

export interface FlowClient {
  /** Step 16 in pi.flow mode: starts the flow; PingOne texts the code. */
  authorize(params: AuthorizeParams, context: Omit<FlowCallContext, 'cookies'>): Promise<FlowStep>;
  /** Step 17: `otp.check`. Throws PingOneError for a wrong code (400 `INVALID_OTP`) and the rest. */
  checkOtp(flowId: string, otp: string, context: FlowCallContext): Promise<FlowStep>;
  /** Step 18: resume a COMPLETED flow into the authorization response (JSON or 302). */
  resume(
    flowId: string,
    context: FlowCallContext,
  ): Promise<{ response: AuthorizeResponse; cookies: CookieJar }>;
  /** The browser redirect of `APPROVAL_UI=hosted` (response_mode=query). */
  authorizeUrl(params: AuthorizeParams): URL;
}

function authorizeQuery(params: AuthorizeParams, responseMode: 'pi.flow' | 'query') {
  return {
    client_id: params.clientId,
    response_type: 'code',
    response_mode: responseMode,
    scope: params.scope ?? 'openid profile',
    redirect_uri: params.redirectUri,
    request: params.requestJwt,
    login_hint_token: params.requestJwt,
    state: params.state,
    nonce: params.nonce,
    code_challenge: params.codeChallenge,
    code_challenge_method: 'S256',
    acr_values: params.acrValues,
    max_age: String(params.maxAge),
  };
}

function unexpected(
  step: string,
  method: string,
  url: string,
  status: number,
  description: string,
) {
  return new PingOneError({
    step,
    method,
    url,
    status,
    code: LOCAL_ERROR_CODES.unexpectedResponse,
    description,
  });
}

function asFlow(res: PingOneResponse, step: string, method: string, url: string): PingOneFlow {
  const body = res.body as Partial<PingOneFlow> | undefined;
  if (
    res.status !== 200 ||
    typeof body !== 'object' ||
    body === null ||
    typeof body.id !== 'string' ||
    typeof body.status !== 'string'
  ) {
    throw unexpected(step, method, url, res.status, 'the answer is not a flow object');
  }
  return body as PingOneFlow;
}

/** Reads `code`, `state`, `iss` from a redirect URL's query (a resume 302). */
export function authorizeResponseFromUrl(location: string): AuthorizeResponse | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  const code = url.searchParams.get('code');
  if (!code) return undefined;
  const response: AuthorizeResponse = { code };
  const state = url.searchParams.get('state');
  const iss = url.searchParams.get('iss');
  if (state) response.state = state;
  if (iss) response.iss = iss;
  return response;
}

/** Reads an `authorizeResponse` object (resume JSON, or a COMPLETED flow that carries it). */
export function authorizeResponseFromJson(value: unknown): AuthorizeResponse | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.code !== 'string' || !v.code) return undefined;
  const response: AuthorizeResponse = { code: v.code };
  if (typeof v.state === 'string') response.state = v.state;
  if (typeof v.iss === 'string') response.iss = v.iss;
  return response;
}

/**
 * PingOne's redirect-less flow API, steps 16–18 of "Create an MFA Transaction Approval using
 * SMS", on top of the shared HTTP client (timeouts, typed errors, no redirects followed).
 *
 * @see PingOne docs, "Authorize (Transaction Approval)", "Flows", "Check One-Time Password (OTP)"
 */
export function createFlowClient(options: FlowClientOptions): FlowClient {
  const { urls, http } = options;
  const now = options.now ?? (() => new Date());
  const bearer = async () => (options.flowsBearer ? await options.flowsBearer() : undefined);
  /** A call on the auth host, carrying the flow's cookies and the approval's ids. */
  const flowCall = (
    step: string,
    method: 'GET' | 'POST',
    url: string,
    context: Omit<FlowCallContext, 'cookies'> & { cookies?: CookieJar },
    call: Partial<PingOneCall>,
  ) =>
    http.call({
      step,
      host: 'auth',
      method,
      url,
      ...(context.cookies ? { cookie: cookieHeader(context.cookies) } : {}),
      transactionId: context.transactionId,
      requestId: context.requestId,
      ...call,
    });

  return {
    async authorize(params, context) {
      const res = await flowCall('authorize', 'GET', urls.authorize, context, {
        query: authorizeQuery(params, 'pi.flow'),
        // Each authorize sends an SMS: never repeated behind the user's back.
        idempotent: false,
      });
      const flow = asFlow(res, 'authorize', 'GET', urls.authorize);
      return { flow, cookies: mergeSetCookies({}, res.setCookies, now()) };
    },

    async checkOtp(flowId, otp, context) {
      const url = urls.flow(flowId);
      const token = await bearer();
      const res = await flowCall('otp.check', 'POST', url, context, {
        json: { otp },
        contentType: VENDOR_TYPES.otpCheck,
        ...(token ? { bearer: token } : {}),
      });
      const flow = asFlow(res, 'otp.check', 'POST', url);
      return { flow, cookies: mergeSetCookies(context.cookies, res.setCookies, now()) };
    },

    async resume(flowId, context) {
      const res = await flowCall('resume', 'GET', urls.resume, context, { query: { flowId } });
      const cookies = mergeSetCookies(context.cookies, res.setCookies, now());
      // pi.flow answers JSON with `authorizeResponse`; a redirect mode answers 302 + Location.
      const fromJson =
        res.status === 200
          ? authorizeResponseFromJson(
              (res.body as { authorizeResponse?: unknown } | undefined)?.authorizeResponse,
            )
          : undefined;
      const fromLocation =
        res.status >= 300 && res.status < 400 && res.location
          ? authorizeResponseFromUrl(new URL(res.location, urls.resume).toString())
          : undefined;
      const response = fromJson ?? fromLocation;
      if (!response && res.location) {
        // A redirect with `error=access_denied` (and friends) instead of a code.
        const error = new URL(res.location, urls.resume).searchParams.get('error');
        if (error) {
          throw new PingOneError({
            step: 'resume',
            method: 'GET',
            url: urls.resume,
            status: res.status,
            code: error,
            description: 'PingOne redirected with an error instead of a code',
          });
        }
      }
      if (!response) {
        throw unexpected(
          'resume',
          'GET',
          urls.resume,
          res.status,
          'no authorization code in the answer',
        );
      }
      return { response, cookies };
    },

    authorizeUrl(params) {
      const url = new URL(urls.authorize);
      for (const [key, value] of Object.entries(authorizeQuery(params, 'query'))) {
        url.searchParams.set(key, value);
      }
      return url;
    },
  };
}
