import type { NextFunction, Request, Response } from 'express';
import { invalidData, OAuthError, P1Error } from './p1-error.js';

/** PingOne's error body (docs/pingone-contract.md §2.1), RFC 6749 errors on /token, never a stack trace. */
export function errorHandler(onError: (error: unknown) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return void res.end();
    if (error instanceof OAuthError) {
      if (error.status === 401 && /^Basic/i.test(req.get('authorization') ?? ''))
        res.set('WWW-Authenticate', 'Basic realm="PingOne"');
      const body = { error: error.error, error_description: error.description };
      return void res.status(error.status).set('Cache-Control', 'no-store').json(body);
    }
    const p1 = error instanceof P1Error ? error : fromBodyParser(error);
    if (p1) {
      if (req.path.endsWith('/as/token'))
        return void res
          .status(400)
          .json({ error: 'invalid_request', error_description: p1.message });
      return void res.status(p1.status).json(p1.body());
    }
    onError(error);
    const message = 'An unexpected error occurred in the emulator.';
    res.status(500).json(new P1Error(500, 'UNEXPECTED_ERROR', message).body());
  };
}

function fromBodyParser(error: unknown): P1Error | undefined {
  const e = error as { type?: unknown; status?: unknown } | null;
  if (!e || typeof e.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.parse.failed') {
    const message = 'The request body is not valid JSON.';
    return invalidData([{ code: 'INVALID_VALUE', message }], message);
  }
  if (e.type === 'entity.too.large')
    return new P1Error(413, 'INVALID_REQUEST', 'The request body is too large.');
  if (e.status === 415)
    return new P1Error(415, 'INVALID_REQUEST', 'Unsupported request body encoding.');
  return new P1Error(400, 'INVALID_REQUEST', 'The request body could not be read.');
}
