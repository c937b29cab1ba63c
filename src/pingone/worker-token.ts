import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { unexpectedResponse } from './pingone-error.js';
import { type HttpClient } from './http.js';
import { pingoneUrls } from './urls.js';

/** Renewed this long before it expires. */
const SKEW_MS = 60_000;

/**
 * A worker (client_credentials) token source, cached until shortly before it expires, one
 * request shared by concurrent callers. The worker may live in another environment than the one
 * it manages (an administrators' environment), so the token endpoint is the worker's.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-token-admin-app-client_credentials
 */
export function createWorkerTokenSource(options: {
  location: PingOneLocation;
  worker: WorkerCredentials;
  http: HttpClient;
  now?: () => number;
}) {
  const { worker, http } = options;
  const now = options.now ?? Date.now;
  const url = pingoneUrls(options.location).tokenOf(worker.environmentId);
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const call = { step: 'worker token', method: 'POST', url } as const;
    const res = await http.call<{ access_token?: unknown; expires_in?: unknown }>({
      ...call,
      host: 'auth',
      basic: { username: worker.clientId, password: worker.clientSecret },
      form: { grant_type: 'client_credentials' },
      // Asking for a token twice is harmless: the retry policy may repeat this POST.
      idempotent: true,
    });
    const token = res.body?.access_token;
    if (typeof token !== 'string' || !token) {
      const description = 'the token endpoint answered without an access_token';
      throw unexpectedResponse(call, res.status, description);
    }
    const expiresIn = typeof res.body.expires_in === 'number' ? res.body.expires_in : 3600;
    cached = { token, expiresAt: now() + expiresIn * 1000 };
    return token;
  }

  return {
    get(): Promise<string> {
      if (cached && now() < cached.expiresAt - SKEW_MS) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    /** After a 401 from the management host. */
    invalidate() {
      cached = undefined;
    },
  };
}
