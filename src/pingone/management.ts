/**
 * PingOne's management API (steps 1–15 of "Create an MFA Transaction Approval using SMS") as
 * four plain operations on a path below `{api}/environments/{env}`: read a whole list, send one
 * request for one object, delete, and build a path. Each provisioning step names its own calls
 * with them (src/provisioning/steps/), so the method and path of every call sit in the step
 * that makes it, as `WORKFLOW_STEPS` lists them.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { LOCAL_ERROR_CODES, PingOneError } from './pingone-error.js';
import { type HttpClient, type PingOneResponse } from './http.js';
import { type HttpMethod, type PingOneCall } from './wire.js';
import { withQuery } from './wire.js';
import { pingoneUrls, type PingOneUrls } from './urls.js';
import { createWorkerTokenSource, type TokenSource } from './worker-token.js';

export * from './management/types.js';

export interface ManagementContext {
  http: HttpClient;
  urls: PingOneUrls;
  token: TokenSource;
}

/** A {@link ManagementContext} with a worker token source for `location`. */
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

/**
 * One call to `url`. A 401 is retried once with a fresh token (the cached one may have been
 * revoked); a second 401 is the caller's to explain.
 */
async function managementCall<T>(
  ctx: ManagementContext,
  call: Omit<PingOneCall, 'bearer'>,
): Promise<PingOneResponse<T>> {
  const send = async () => ctx.http.call<T>({ ...call, bearer: await ctx.token.get() });
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof PingOneError) || error.status !== 401) throw error;
    ctx.token.invalidate();
    return send();
  }
}

/**
 * A path below the environment, each interpolated id URL-encoded: the ids come from PingOne's
 * answers, and none of them may turn into another path.
 */
export function apiPath(parts: TemplateStringsArray, ...ids: string[]): string {
  return parts.reduce((path, part, i) => `${path}${encodeURIComponent(ids[i - 1]!)}${part}`);
}

interface ListPage {
  _embedded?: Record<string, unknown>;
  _links?: { next?: { href?: string } };
}

/**
 * Reads a whole PingOne list: the `_embedded[name]` items of every page, following
 * `_links.next.href` while it stays on the management host (a bearer token never leaves it).
 *
 * @param step what the call does, in words (`list applications`); it names the call in errors
 *   and in events.
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
  const seen = new Set<string>();
  let next: string | undefined = withQuery(`${ctx.urls.environment}${path}`, query);
  while (next && !seen.has(next) && seen.size < 100) {
    seen.add(next);
    const res: PingOneResponse<ListPage> = await managementCall(ctx, {
      step,
      method: 'GET',
      url: next,
    });
    const list = res.body?._embedded?.[name];
    if (Array.isArray(list)) items.push(...(list as T[]));
    const href = res.body?._links?.next?.href;
    const url = href ? new URL(href, origin) : undefined;
    next = url && url.origin === origin ? url.href : undefined;
  }
  return items;
}

/**
 * One request whose answer is one object (a create, a read, an update): its JSON body, or
 * `UNEXPECTED_RESPONSE` when the answer carries none.
 *
 * @param contentType a vendor type such as `VENDOR_TYPES.passwordSet` (default `application/json`).
 */
export async function send<T>(
  ctx: ManagementContext,
  step: string,
  method: HttpMethod,
  path: string,
  json?: unknown,
  contentType?: string,
): Promise<T> {
  const url = `${ctx.urls.environment}${path}`;
  const res = await managementCall<unknown>(ctx, { step, method, url, json, contentType });
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

/** DELETE; an object already gone counts as deleted. True when this call removed it. */
export async function remove(ctx: ManagementContext, step: string, path: string): Promise<boolean> {
  const url = `${ctx.urls.environment}${path}`;
  // Repeating a DELETE is harmless: a second one answers 404, which counts as done.
  const call = { step, url, okStatus: [404], idempotent: true };
  return (await managementCall(ctx, { ...call, method: 'DELETE' })).status !== 404;
}

/** Fields PingOne sets itself: it answers with them, but a PUT body does not carry them. */
const READ_ONLY = ['id', '_links', '_embedded', 'environment', 'createdAt', 'updatedAt'] as const;

/**
 * A copy of `resource` without PingOne's read-only fields: the start of a read-modify-write.
 * A PingOne PUT replaces the whole object, so a repair sends back every field it does not mean
 * to change (an application's `signing`, `jwks`, `corsSettings`, …); docs/pingone-contract.md
 * §10.
 */
export function writableFields<T extends object>(resource: T): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(resource as Record<string, unknown>) };
  for (const key of READ_ONLY) delete copy[key];
  return copy;
}
