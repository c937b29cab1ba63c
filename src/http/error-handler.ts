import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { AppError, NotFoundError, STEP_NAMES, ValidationError } from '../errors.js';
import type { Logger } from '../log.js';
import { csrfToken } from './csrf.js';
import { wantsJson } from './negotiate.js';

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

/** body-parser and friends throw errors with a 4xx `status` and `expose: true`. */
function fromFramework(error: unknown): AppError | undefined {
  const e = error as { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    const message = 'The request could not be read. Go back and send the form again.';
    return new AppError(e.status, 'BAD_REQUEST', message);
  }
  return undefined;
}

const INTERNAL_MESSAGE = 'Something went wrong on our side. Nothing was approved.';

/**
 * The one error handler: AppErrors become a page or `{error: {code, message}}` with their
 * status; anything else is logged and answered with a generic 500 (never a stack trace).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    // req.log carries the request id; an error raised before the request-id middleware has none.
    const log = (req.log as Logger | undefined) ?? logger;
    const known = error instanceof AppError ? error : fromFramework(error);
    const appError = known ?? new AppError(500, 'INTERNAL_ERROR', INTERNAL_MESSAGE);
    if (known) {
      const level = appError.status >= 500 ? 'warn' : 'info';
      log[level](
        {
          errorCode: appError.code,
          status: appError.status,
          step: appError.step,
          pingoneErrorId: appError.pingoneErrorId,
          path: req.path,
        },
        appError.message,
      );
    } else {
      log.error({ err: error, path: req.path }, 'unhandled error');
    }
    if (appError.retryAfter !== undefined) res.set('Retry-After', String(appError.retryAfter));
    if (appError.status >= 500 || appError.step) res.set('Cache-Control', 'no-store');
    res.status(appError.status);
    if (wantsJson(req)) {
      const body: Record<string, unknown> = { code: appError.code, message: appError.userMessage };
      if (appError instanceof ValidationError) body.fields = appError.fields;
      if (appError.step) body.step = appError.step;
      if (appError.pingoneErrorId) body.pingoneErrorId = appError.pingoneErrorId;
      res.json({ error: body });
      return;
    }
    // A session may be missing here (errors before the session middleware): the page copes.
    const session = req.session as typeof req.session | undefined;
    const canRetry = Boolean(appError.step && session?.transfer);
    const locals = {
      title:
        appError.status === 404
          ? 'Page not found'
          : appError.step
            ? 'PingOne could not complete this step'
            : appError.status === 403
              ? 'This form could not be accepted'
              : 'Something went wrong',
      status: appError.status,
      code: appError.code,
      message: appError.userMessage,
      step: appError.step,
      stepName: appError.step ? STEP_NAMES[appError.step] : undefined,
      pingoneErrorId: appError.pingoneErrorId,
      retryAfter: appError.retryAfter,
      canRetry,
      canReenterCode: appError.step === 'otp.check' && Boolean(session?.flow),
      // Only the retry form carries the token: asking for one creates it, and a new token
      // makes express-session store a session for every anonymous 404 or 403.
      csrfToken: canRetry && session ? csrfToken(req) : undefined,
    };
    res.render('error', locals, (renderError: Error | null, html?: string) => {
      if (renderError) {
        log.error({ err: renderError }, 'error page failed to render');
        res.type('text/plain').send(appError.userMessage);
        return;
      }
      res.send(html);
    });
  };
}
