import { LOCAL_ERROR_CODES, PingOneError } from '../pingone-error.js';
import { VENDOR_TYPES, type HttpClient, type PingOneCall } from '../http.js';
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

export type FlowClient = ReturnType<typeof createFlowClient>;

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

type CallName = Pick<PingOneCall, 'step' | 'method' | 'url'>;

function unexpected({ step, method, url }: CallName, status: number, description: string) {
  const code = LOCAL_ERROR_CODES.unexpectedResponse;
  return new PingOneError({ step, method, url, status, code, description });
}

/**
 * `code`, `state` and `iss` of an authorization response: resume's JSON `authorizeResponse`, one
 * a COMPLETED flow already carries, or the query of a redirect.
 */
export function authorizeResponseFromJson(value: unknown): AuthorizeResponse | undefined {
  const v = (value instanceof URLSearchParams ? Object.fromEntries(value) : value) as
    Record<string, unknown> | undefined;
  if (typeof v?.code !== 'string' || !v.code) return undefined;
  const response: AuthorizeResponse = { code: v.code };
  if (typeof v.state === 'string') response.state = v.state;
  if (typeof v.iss === 'string') response.iss = v.iss;
  return response;
}

/**
 * PingOne's redirect-less flow API, steps 16–18 of "Create an MFA Transaction Approval using
 * SMS", on the one call path (timeouts, typed errors, no redirects followed).
 *
 * @see PingOne docs, "Authorize (Transaction Approval)", "Flows", "Check One-Time Password (OTP)"
 */
export function createFlowClient(options: FlowClientOptions) {
  const { urls, http } = options;
  const now = options.now ?? (() => new Date());
  /** A call on the auth host, carrying the flow's cookies and the approval's ids. */
  const send = (
    context: Omit<FlowCallContext, 'cookies'> & { cookies?: CookieJar },
    call: Omit<PingOneCall, 'host'>,
  ) => {
    const cookie = context.cookies && cookieHeader(context.cookies);
    const { transactionId, requestId } = context;
    return http.call({
      host: 'auth',
      ...(cookie && { cookie }),
      transactionId,
      requestId,
      ...call,
    });
  };
  /** A call answered by the flow object, and the cookie jar after it. */
  const flowStep = async (
    context: Omit<FlowCallContext, 'cookies'> & { cookies?: CookieJar },
    call: Omit<PingOneCall, 'host'>,
  ): Promise<FlowStep> => {
    const res = await send(context, call);
    const body = res.body as Partial<PingOneFlow> | undefined;
    if (res.status !== 200 || typeof body?.id !== 'string' || typeof body.status !== 'string') {
      throw unexpected(call, res.status, 'the answer is not a flow object');
    }
    const cookies = mergeSetCookies(context.cookies ?? {}, res.setCookies, now());
    return { flow: body as PingOneFlow, cookies };
  };

  return {
    /** Step 16 in pi.flow mode: starts the flow; PingOne texts the code. */
    async authorize(
      params: AuthorizeParams,
      context: Omit<FlowCallContext, 'cookies'>,
    ): Promise<FlowStep> {
      // Each authorize sends an SMS: never repeated behind the user's back.
      return flowStep(context, {
        step: 'authorize',
        method: 'GET',
        url: urls.authorize,
        query: authorizeQuery(params, 'pi.flow'),
        idempotent: false,
      });
    },

    /** Step 17: `otp.check`. Throws PingOneError for a wrong code (400 `INVALID_OTP`) and the rest. */
    async checkOtp(flowId: string, otp: string, context: FlowCallContext): Promise<FlowStep> {
      const bearer = await options.flowsBearer?.();
      return flowStep(context, {
        step: 'otp.check',
        method: 'POST',
        url: urls.flow(flowId),
        json: { otp },
        contentType: VENDOR_TYPES.otpCheck,
        ...(bearer && { bearer }),
      });
    },

    /** Step 18: resume a COMPLETED flow into the authorization response (JSON or 302). */
    async resume(
      flowId: string,
      context: FlowCallContext,
    ): Promise<{ response: AuthorizeResponse; cookies: CookieJar }> {
      const call = { step: 'resume', method: 'GET', url: urls.resume } as const;
      const res = await send(context, { ...call, query: { flowId } });
      const cookies = mergeSetCookies(context.cookies, res.setCookies, now());
      // pi.flow answers JSON with `authorizeResponse`; a redirect mode answers 302 + Location.
      const redirect = res.status >= 300 && res.status < 400 && res.location;
      const query = redirect ? new URL(redirect, call.url).searchParams : undefined;
      const body = res.status === 200 ? (res.body as { authorizeResponse?: unknown }) : undefined;
      const response = authorizeResponseFromJson(query ?? body?.authorizeResponse);
      if (response) return { response, cookies };
      // A redirect with `error=access_denied` (and friends) instead of a code.
      const code = query?.get('error');
      if (code) {
        const description = 'PingOne redirected with an error instead of a code';
        throw new PingOneError({ ...call, status: res.status, code, description });
      }
      throw unexpected(call, res.status, 'no authorization code in the answer');
    },

    /** The browser redirect of `APPROVAL_UI=hosted` (response_mode=query). */
    authorizeUrl(params: AuthorizeParams): URL {
      const url = new URL(urls.authorize);
      for (const [key, value] of Object.entries(authorizeQuery(params, 'query'))) {
        url.searchParams.set(key, value);
      }
      return url;
    },
  };
}
