import type { NextFunction, Request, Response } from 'express';

/**
 * Flow pages show a transfer and a code form that must not come back from a cache or the
 * back-forward cache (RFC 9111 §5.2.2.5).
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  next();
}
