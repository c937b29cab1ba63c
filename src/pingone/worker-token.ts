import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { LOCAL_ERROR_CODES, PingOneError, type HttpClient } from './http.js';
import { pingoneUrls } from './urls.js';

/** Something that hands out a valid bearer token for the management API. */
export interface TokenSource {
  /** A cached token, or a fresh one when none is cached or it expires within the skew. */
  get(): Promise<string>;
  /** Forgets the cached token (after a 401 from the management host, for instance). */
  invalidate(): void;
}

export interface WorkerTokenSourceOptions {
  /** Where PingOne is; the worker's own environment may differ from `location.environmentId`. */
  location: PingOneLocation;
  worker: WorkerCredentials;
  http: HttpClient;
  /** Renew this long before expiry (default 60 s). */
  skewMs?: number;
  /** Injectable clock (ms since epoch). */
  now?: () => number;
}

interface TokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

/**
 * A worker (client_credentials) token source: `POST {auth}/{workerEnv}/as/token` with HTTP Basic
 * (client_secret_basic). The token is cached until `skewMs` before it expires and concurrent
 * callers share one request. The worker may live in another environment than the one it manages
 * (an administrators' environment), so the token endpoint is the worker's.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-token-admin-app-client_credentials
 */
export function createWorkerTokenSource(options: WorkerTokenSourceOptions): TokenSource {
  const { worker, http } = options;
  const skewMs = options.skewMs ?? 60_000;
  const now = options.now ?? Date.now;
  const url = pingoneUrls(options.location).tokenOf(worker.environmentId);
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const res = await http.call<TokenResponse>({
      step: 'worker token',
      host: 'auth',
      method: 'POST',
      url,
      basic: { username: worker.clientId, password: worker.clientSecret },
      form: { grant_type: 'client_credentials' },
      // Asking for a token twice is harmless: the retry policy may repeat this POST.
      idempotent: true,
    });
    const body = res.body;
    const token = typeof body?.access_token === 'string' ? body.access_token : undefined;
    if (!token) {
      throw new PingOneError({
        step: 'worker token',
        method: 'POST',
        url,
        status: res.status,
        code: LOCAL_ERROR_CODES.unexpectedResponse,
        description: 'the token endpoint answered without an access_token',
      });
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    cached = { token, expiresAt: now() + expiresIn * 1000 };
    return token;
  }

  return {
    get() {
      if (cached && now() < cached.expiresAt - skewMs) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
