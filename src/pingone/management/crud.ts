import type { HttpMethod } from '../http.js';
import { expectObject, managementCall, type ManagementContext } from './context.js';

/** A call whose answer is one resource (create, read, update). */
export async function sendForObject<T>(
  ctx: ManagementContext,
  step: string,
  method: HttpMethod,
  path: string,
  json?: unknown,
  contentType?: string,
): Promise<T> {
  const res = await managementCall<unknown>(ctx, step, method, path, { json, contentType });
  return expectObject<T>(res, step, method, `${ctx.urls.environment}${path}`);
}

/** DELETE; a resource that is already gone counts as deleted. True when this call removed it. */
export async function deleteResource(
  ctx: ManagementContext,
  step: string,
  path: string,
): Promise<boolean> {
  // Repeating a DELETE is harmless here: a second one answers 404, which we accept.
  const res = await managementCall(ctx, step, 'DELETE', path, {
    okStatus: [404],
    idempotent: true,
  });
  return res.status !== 404;
}

export const seg = encodeURIComponent;
