import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { AppError, NotFoundError, STEP_NAMES, ValidationError } from '../errors.js';
import { isStoreFailure } from '../store/store-unavailable-error.js';
import { csrfToken } from './csrf.js';

export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

/**
 * A path that does not decode (`%ZZ`, a cut UTF-8 sequence) is bad input, not a 500 (Express's
 * URIError for a route parameter) or a 404 (a route without parameters).
 */
export function rejectMalformedPath(req: Request, _res: Response, next: NextFunction): void {
  try {
    decodeURIComponent(req.path);
  } catch {
    const message =
      'This address is not valid: it holds a broken %-escape. Check the link, or go back to the start.';
    return next(new AppError(400, 'MALFORMED_PATH', message));
  }
  next();
}

/** Not "nothing was approved": the store may have failed after an approval was recorded. */
const STORE_FAILED =
  'We cannot reach our session and approval store right now. Wait a few seconds and try again; ' +
  'if you were approving a transfer, check "Recent approvals" before you approve it again.';

/** body-parser and friends throw errors with a 4xx `status` and `expose: true`. */
function fromFramework(error: unknown): AppError | undefined {
  // Redis reconnects within about 5 s.
  if (isStoreFailure(error)) {
    return new AppError(503, 'STORE_UNAVAILABLE', STORE_FAILED, { retryAfter: 5, cause: error });
  }
  const e = error as { status?: unknown; expose?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    const message = 'The request could not be read. Go back and send the form again.';
    return new AppError(e.status, 'BAD_REQUEST', message);
  }
  return undefined;
}

/** AppErrors and store failures become a page or `{error: {code, message}}`; anything else a 500. */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const known = error instanceof AppError ? error : fromFramework(error);
  const appError =
    known ??
    new AppError(500, 'INTERNAL_ERROR', 'Something went wrong on our side. Nothing was approved.');
  const { status, code, userMessage, step, pingoneErrorId, retryAfter } = appError;
  if (known) {
    req.log[status >= 500 ? 'warn' : 'info'](
      { errorCode: code, status, step, pingoneErrorId, path: req.path },
      appError.message,
    );
  } else {
    req.log.error({ err: error, path: req.path }, 'unhandled error');
  }
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  if (status >= 500 || step) res.set('Cache-Control', 'no-store');
  res.status(status);
  if (wantsJson(req)) {
    // Undefined fields are left out of the JSON.
    const fields = appError instanceof ValidationError ? appError.fields : undefined;
    res.json({ error: { code, message: userMessage, fields, step, pingoneErrorId } });
    return;
  }
  // A session may be missing here (errors before the session middleware): the page copes.
  const session = req.session as typeof req.session | undefined;
  const canRetry = Boolean(step && session?.transfer);
  const locals = {
    title:
      status === 404
        ? 'Page not found'
        : step
          ? 'PingOne could not complete this step'
          : status === 403
            ? 'This form could not be accepted'
            : 'Something went wrong',
    status,
    code,
    message: userMessage,
    step,
    stepName: step ? STEP_NAMES[step] : undefined,
    pingoneErrorId,
    retryAfter,
    canRetry,
    canReenterCode: step === 'otp.check' && Boolean(session?.flow),
    // Only the retry form: a new token would store a session for every anonymous 404 or 403.
    csrfToken: canRetry && session ? csrfToken(req) : undefined,
  };
  res.render('error', locals, (renderError: Error | null, html?: string) => {
    if (renderError) {
      req.log.error({ err: renderError }, 'error page failed to render');
      res.type('text/plain').send(userMessage);
      return;
    }
    res.send(html);
  });
};
