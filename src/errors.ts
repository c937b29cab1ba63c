/** Every failure a user can meet, with a stable `code`; anything else is a 500 (error-handler). */

/** The PingOne calls of one approval, named on failure pages so a person knows what failed. */
export const STEP_NAMES = {
  discovery: 'reading PingOne’s OpenID configuration',
  authorize: 'starting the approval at PingOne (authorize)',
  'otp.check': 'checking the code with PingOne (otp.check)',
  resume: 'resuming the PingOne flow (resume)',
  token: 'exchanging the authorization code for tokens (token)',
  userinfo: 'reading the user from PingOne (userinfo)',
};
export type PingOneStep = keyof typeof STEP_NAMES;

interface AppErrorOptions {
  /** PingOne's error `id` (its support reference). */
  pingoneErrorId?: string | undefined;
  step?: PingOneStep;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly pingoneErrorId?: string | undefined;
  readonly step?: PingOneStep | undefined;
  readonly retryAfter?: number | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    /** Shown to the user: no secrets, no internals. */
    readonly userMessage: string,
    options: AppErrorOptions = {},
  ) {
    super(userMessage, options);
    this.name = new.target.name;
    this.pingoneErrorId = options.pingoneErrorId;
    this.step = options.step;
    this.retryAfter = options.retryAfter;
  }
}

export type FieldErrors = Record<string, string>;

export class ValidationError extends AppError {
  constructor(readonly fields: FieldErrors) {
    super(400, 'INVALID_INPUT', 'Some fields need your attention.');
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(
      403,
      'CSRF_FAILED',
      'This form was not sent from this page, or the page is too old. Go back to the start and try again.',
    );
  }
}

export class NotFoundError extends AppError {
  constructor() {
    super(404, 'NOT_FOUND', 'There is no page at this address.');
  }
}

/** What a rate limit protects: `sms` (starting an approval, a new code) or `code` (checks). */
export type LimitedAction = 'sms' | 'code';

const TOO_MANY = {
  sms: [
    'TOO_MANY_CODES_SENT',
    'Too many codes were requested in a short time, so no new SMS was sent. This protects the ' +
      'phone and its daily SMS allowance from being used up. Wait as long as shown, then try again.',
  ],
  code: [
    'TOO_MANY_ATTEMPTS',
    'Too many codes were submitted in a short time. Wait a minute, then try again.',
  ],
} as const;

export class TooManyRequestsError extends AppError {
  constructor(retryAfter: number, action: LimitedAction) {
    super(429, TOO_MANY[action][0], TOO_MANY[action][1], { retryAfter });
  }
}

/** The route is not part of the configured mode (for example /callback with APPROVAL_UI=own). */
export class ModeError extends AppError {
  constructor(message: string) {
    super(404, 'NOT_AVAILABLE_IN_MODE', message);
  }
}

const UNAVAILABLE = {
  PINGONE_TIMEOUT: 'PingOne did not answer in time while {what}. Nothing was approved.',
  PINGONE_RATE_LIMITED:
    'PingOne is limiting requests right now ({what}). Nothing was approved; wait a moment and try again.',
  PINGONE_UNREACHABLE: 'PingOne could not be reached while {what}. Nothing was approved.',
  PINGONE_ERROR: 'PingOne failed while {what}. Nothing was approved.',
};

/** Nothing was recorded; the page names the step and PingOne's error id and offers a retry. */
export class PingOneUnavailableError extends AppError {
  constructor(
    status: 502 | 503,
    code: keyof typeof UNAVAILABLE,
    step: PingOneStep,
    options: Omit<AppErrorOptions, 'step'> = {},
  ) {
    super(status, code, UNAVAILABLE[code].replace('{what}', STEP_NAMES[step]), {
      ...options,
      step,
    });
  }
}
