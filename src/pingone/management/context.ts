import type { PingOneLocation, WorkerCredentials } from '../../config.js';
import {
  LOCAL_ERROR_CODES,
  PingOneError,
  type HttpClient,
  type HttpMethod,
  type PingOneResponse,
  withQuery,
} from '../http.js';
import { pingoneUrls, type PingOneUrls } from '../urls.js';
import { createWorkerTokenSource, type TokenSource } from '../worker-token.js';

/** What every management call needs: the HTTP client, the environment's URLs and a token. */
export interface ManagementContext {
  http: HttpClient;
  urls: PingOneUrls;
  token: TokenSource;
}

/** Builds a {@link ManagementContext} with a worker token source for `location`. */
export function createManagementContext(options: {
  location: PingOneLocation;
  worker: WorkerCredentials;
  http: HttpClient;
}): ManagementContext {
  return {
    http: options.http,
    urls: pingoneUrls(options.location),
    token: createWorkerTokenSource(options),
  };
}

export interface ManagementCallOptions {
  json?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
  okStatus?: number[];
  idempotent?: boolean;
}

/**
 * One management call relative to `{api}/environments/{env}`. A 401 is retried once with a
 * fresh token (the cached one may have been revoked); a second 401 is the caller's to explain.
 */
export async function managementCall<T>(
  ctx: ManagementContext,
  step: string,
  method: HttpMethod,
  path: string,
  options: ManagementCallOptions = {},
): Promise<PingOneResponse<T>> {
  const url = path.startsWith('http') ? path : `${ctx.urls.environment}${path}`;
  const send = async () =>
    ctx.http.call<T>({ step, method, url, bearer: await ctx.token.get(), ...options });
  try {
    return await send();
  } catch (error) {
    if (error instanceof PingOneError && error.status === 401) {
      ctx.token.invalidate();
      return send();
    }
    throw error;
  }
}

/** The body of a success answer, or UNEXPECTED_RESPONSE when it is not the object we need. */
export function expectObject<T>(
  res: PingOneResponse<unknown>,
  step: string,
  method: string,
  url: string,
): T {
  if (typeof res.body !== 'object' || res.body === null) {
    throw new PingOneError({
      step,
      method,
      url,
      status: res.status,
      code: LOCAL_ERROR_CODES.unexpectedResponse,
      description: 'the answer has no JSON body',
    });
  }
  return res.body as T;
}

interface ListPage {
  _embedded?: Record<string, unknown>;
  _links?: { next?: { href?: string } };
}

/**
 * Reads a whole PingOne list: the `_embedded[name]` items of every page, following
 * `_links.next.href` while it stays on the management host (a bearer token never leaves it).
 */
export async function listAll<T>(
  ctx: ManagementContext,
  step: string,
  path: string,
  name: string,
  query?: Record<string, string | undefined>,
): Promise<T[]> {
  const items: T[] = [];
  const origin = new URL(ctx.urls.api).origin;
  const first = withQuery(`${ctx.urls.environment}${path}`, query);
  const seen = new Set<string>();
  let next: string | undefined = first;
  while (next && !seen.has(next) && seen.size < 100) {
    seen.add(next);
    const res: PingOneResponse<ListPage> = await managementCall<ListPage>(ctx, step, 'GET', next);
    const list = res.body?._embedded?.[name];
    if (Array.isArray(list)) items.push(...(list as T[]));
    const href = res.body?._links?.next?.href;
    const url = href ? new URL(href, origin) : undefined;
    next = url && url.origin === origin ? url.href : undefined;
  }
  return items;
}
