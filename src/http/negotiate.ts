import type { Request } from 'express';

/** JSON clients (Accept: application/json) get JSON errors; browsers get pages. */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
