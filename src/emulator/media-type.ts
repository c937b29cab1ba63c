import type { Request } from 'express';

/** The request's media type without parameters, lower-cased (media types are case-insensitive, RFC 9110 §8.3.1). */
export function mediaTypeOf(req: Request): string | undefined {
  const header = req.get('content-type');
  if (!header) return undefined;
  return header.split(';')[0]!.trim().toLowerCase();
}

export function isMediaType(req: Request, expected: string): boolean {
  return mediaTypeOf(req) === expected.toLowerCase();
}
