import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';

/** A path whose percent-encoding does not decode (`%ZZ`, a lone `%`, a cut UTF-8 sequence). */
export class MalformedPathError extends AppError {
  constructor() {
    super(
      400,
      'MALFORMED_PATH',
      'This address is not valid: it holds a broken %-escape. Check the link, or go back to the start.',
    );
  }
}

/**
 * Refuses a path that cannot be decoded before any route, static file or session sees it.
 * Without it Express's router throws a URIError for a route parameter (a 500 logged as an
 * unhandled error), and routes without parameters answer 404 for what is really bad input.
 */
export function rejectMalformedPath(req: Request, _res: Response, next: NextFunction): void {
  try {
    decodeURIComponent(req.path);
  } catch {
    return next(new MalformedPathError());
  }
  next();
}
