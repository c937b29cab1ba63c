import type { HttpClient } from '../http.js';
import { PingOneError, unexpectedResponse } from '../pingone-error.js';
import type { PingOneUrls } from '../urls.js';
import { VENDOR_TYPES, type PingOneCall } from '../wire.js';

/** The parts of PingOne's flow object this client reads (docs/pingone-contract.md §6). */
export interface PingOneFlow {
  id: string;
  status: string;
  /** Some tenants put the authorization response into the COMPLETED flow already. */
  authorizeResponse?: AuthorizeResponse;
  expiresAt?: string;
  _embedded?: { user?: { id?: string }; devices?: Array<{ phone?: string }> };
  selectedDevice?: { phone?: string };
  [key: string]: unknown;
}

export type AuthorizeResponse = { code: string; state?: string; iss?: string };

export const FLOW_STATUS = {
  otpRequired: 'OTP_REQUIRED',
  completed: 'COMPLETED',
  failed: 'FAILED',
} as const;

/**
 * PingOne's flow cookies (`ST`, …): a standard jar would drop them (their `Path` does not match
 * the next call's), and PingOne may rotate them, so the latest of each is kept and all replayed.
 */
type CookieJar = Record<string, string>;

/** Applies `Set-Cookie` headers to a jar: new and rotated values win, expired ones are removed. */
export function mergeSetCookies(jar: CookieJar, setCookies: readonly string[], now: Date) {
  const next: CookieJar = { ...jar };
  for (const header of setCookies) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || !name) continue;
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((attribute) => {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const v = rest.join('=').trim();
      if (key === 'max-age') return /^-?\d+$/.test(v) && Number(v) <= 0;
      return key === 'expires' && Date.parse(v) <= now.getTime();
    });
    if (value === '' || expired) delete next[name];
    else next[name] = value;
  }
  return next;
}

/** The `Cookie` header for a jar, or undefined when it is empty. */
export function cookieHeader(jar: CookieJar): string | undefined {
  const pairs = Object.entries(jar).map(([name, value]) => `${name}=${value}`);
  return pairs.length ? pairs.join('; ') : undefined;
}

/** Step 16's query, as sent: pi.flow's and the hosted redirect's differ only in `response_mode`. */
export type AuthorizeQuery = {
  client_id: string;
  response_type: 'code';
  response_mode: 'pi.flow' | 'query';
  scope: string;
  redirect_uri: string;
  /** The signed request JWT, sent again as `login_hint_token`. */
  request: string;
  login_hint_token: string;
  state: string;
  nonce: string;
  code_challenge: string;
  code_challenge_method: 'S256';
  acr_values: string;
  /** Seconds: how old PingOne's authentication of the person may be. */
  max_age: string;
};

export type FlowStep = { flow: PingOneFlow; cookies: CookieJar };

/** What every call of one flow carries: its cookies (none before authorize) and the ids. */
interface FlowCallContext {
  cookies?: CookieJar;
  transactionId: string;
  requestId?: string | undefined;
}
type WithCookies = FlowCallContext & { cookies: CookieJar };

export type FlowClient = ReturnType<typeof createFlowClient>;

/** The authorization response from resume's JSON, a COMPLETED flow, or a redirect's query. */
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
 * PingOne's redirect-less flow API, steps 16–18. `flowsBearer` is sent only when configured:
 * Ping's sample sends a worker token to `/flows`, its docs show cookies only
 * (docs/pingone-contract.md §9).
 */
export function createFlowClient(options: {
  urls: PingOneUrls;
  http: HttpClient;
  flowsBearer?: () => Promise<string>;
  now: () => Date;
}) {
  const { urls, http, now } = options;
  const send = ({ cookies, transactionId, requestId }: FlowCallContext, call: PingOneCall) => {
    const cookie = cookies && cookieHeader(cookies);
    return http.call({ ...call, host: 'auth', cookie, transactionId, requestId });
  };
  const flowStep = async (context: FlowCallContext, call: PingOneCall): Promise<FlowStep> => {
    const res = await send(context, call);
    const body = res.body as Partial<PingOneFlow> | undefined;
    if (res.status !== 200 || typeof body?.id !== 'string' || typeof body.status !== 'string') {
      throw unexpectedResponse(call, res.status, 'the answer is not a flow object');
    }
    const cookies = mergeSetCookies(context.cookies ?? {}, res.setCookies, now());
    return { flow: body as PingOneFlow, cookies };
  };

  return {
    /** Step 16 in pi.flow mode: starts the flow; PingOne texts the code. */
    async authorize(query: AuthorizeQuery, context: FlowCallContext): Promise<FlowStep> {
      // Each authorize sends an SMS: never repeated behind the user's back.
      return flowStep(context, {
        step: 'authorize',
        method: 'GET',
        url: urls.authorize,
        query,
        idempotent: false,
      });
    },

    /** Step 17: `otp.check`; a wrong code throws PingOneError 400 `INVALID_OTP`. */
    async checkOtp(flowId: string, otp: string, context: WithCookies): Promise<FlowStep> {
      return flowStep(context, {
        step: 'otp.check',
        method: 'POST',
        url: urls.flow(flowId),
        json: { otp },
        contentType: VENDOR_TYPES.otpCheck,
        bearer: await options.flowsBearer?.(),
      });
    },

    /** Step 18: resume a COMPLETED flow into the authorization response (JSON or 302). */
    async resume(
      flowId: string,
      context: WithCookies,
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
      const description = 'PingOne redirected with an error instead of a code';
      if (code) throw new PingOneError({ ...call, status: res.status, code, description });
      throw unexpectedResponse(call, res.status, 'no authorization code in the answer');
    },

    /** The browser redirect of `APPROVAL_UI=hosted` (response_mode=query). */
    authorizeUrl(query: AuthorizeQuery): URL {
      return new URL(`${urls.authorize}?${new URLSearchParams(query)}`);
    },
  };
}
