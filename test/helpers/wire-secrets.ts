import type { RecordedCall } from './app.js';

/** A request body the app sent to PingOne (recordingFetch keeps headers and answers only). */
export interface SentBody {
  url: string;
  body: string;
}

/** Records the request bodies of the app's PingOne calls, then calls `inner`. */
export function bodyRecordingFetch(inner: typeof fetch) {
  const bodies: SentBody[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (typeof init?.body === 'string') bodies.push({ url, body: init.body });
    else if (init?.body instanceof URLSearchParams)
      bodies.push({ url, body: init.body.toString() });
    return inner(input, init);
  };
  return { fetch: fetchImpl, bodies };
}

/** The value of a `Set-Cookie` header's cookie. */
export function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0]!.split('=').slice(1).join('=');
}

/**
 * Every secret value that crossed the wire between the app and PingOne, by name: PingOne's
 * cookies both ways, the Authorization header, authorize's request JWT, `state` and `nonce`,
 * the tokens, the authorization code, and the token request's PKCE verifier and code.
 */
export function wireSecrets(calls: RecordedCall[], bodies: SentBody[]): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const call of calls) {
    for (const c of call.responseHeaders?.getSetCookie() ?? [])
      secrets.set(`PingOne cookie from ${call.url}`, cookieValue(c));
    for (const pair of (call.requestHeaders.cookie ?? '').split(/;\s*/).filter(Boolean))
      secrets.set(`cookie sent to ${call.url}`, pair.split('=').slice(1).join('='));
    const authorization = call.requestHeaders.authorization;
    if (authorization) secrets.set(`Authorization to ${call.url}`, authorization.split(' ')[1]!);
    const url = new URL(call.url);
    for (const key of ['request', 'login_hint_token', 'state', 'nonce']) {
      const value = url.searchParams.get(key);
      if (value) secrets.set(`${key} (authorize)`, value);
    }
    if (call.url.endsWith('/as/token') && call.status === 200 && call.responseText) {
      const body = JSON.parse(call.responseText) as Record<string, string>;
      secrets.set('access token', body.access_token!);
      secrets.set('ID token', body.id_token!);
      if (body.refresh_token) secrets.set('refresh token', body.refresh_token);
    }
    if (call.url.includes('/as/resume') && call.status === 200 && call.responseText) {
      const resumed = JSON.parse(call.responseText) as { authorizeResponse: { code: string } };
      secrets.set('authorization code', resumed.authorizeResponse.code);
    }
  }
  const tokenRequest = bodies.find((b) => b.url.endsWith('/as/token'));
  const form = new URLSearchParams(tokenRequest?.body);
  secrets.set('PKCE verifier', form.get('code_verifier')!);
  secrets.set('code (token request)', form.get('code')!);
  return secrets;
}
