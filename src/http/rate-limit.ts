import type { Request, RequestHandler } from 'express';
import {
  ipKeyGenerator,
  MemoryStore,
  rateLimit as expressRateLimit,
  type Logger as RateLimitLogger,
  type Store,
} from 'express-rate-limit';
import { TooManyRequestsError, type LimitedAction } from '../errors.js';
import { auditFields } from './audit-fields.js';
import { rateLimitedChannel, type RateLimitedEvent } from './rate-limit-events.js';

/** Requests allowed per window and key. */
export interface Limit {
  limit: number;
  windowMs: number;
}

/**
 * The counters of one action. A browser (kept across session regeneration) is the finest; a
 * script that drops its cookies is still one client address; many addresses still approve for
 * one PingOne user, whose SMS quota (50 a day) is what an attacker would burn; and all of them
 * together still text through one PingOne environment, whose SMS cost the bank pays (`sms` only).
 */
export interface ActionLimits {
  browser: Limit;
  address: Limit;
  user: Limit;
  environment?: Limit;
}

export type RateLimits = Record<LimitedAction, ActionLimits>;

type Scope = keyof ActionLimits;

/** Finest first: a request stopped by one counter uses none of the broader allowances. */
const SCOPES: readonly Scope[] = ['browser', 'address', 'user', 'environment'];

const MINUTE = 60_000;

/** The windows are fixed; the counts are settings (RATE_LIMIT_SMS, RATE_LIMIT_CODE). */
const RATE_LIMIT_WINDOWS = {
  sms: { browser: 15 * MINUTE, address: 15 * MINUTE, user: 60 * MINUTE },
  code: { browser: MINUTE, address: MINUTE, user: MINUTE },
} satisfies Record<LimitedAction, Record<'browser' | 'address' | 'user', number>>;

/** The environment's SMS budget (RATE_LIMIT_SMS_ENVIRONMENT) is counted by the hour. */
const ENVIRONMENT_WINDOW_MS = 60 * MINUTE;

/** The limits of `action` with these browser/address/user counts. */
export function actionLimits(
  action: LimitedAction,
  [browser, address, user]: readonly [number, number, number],
): ActionLimits {
  const windows = RATE_LIMIT_WINDOWS[action];
  return {
    browser: { limit: browser, windowMs: windows.browser },
    address: { limit: address, windowMs: windows.address },
    user: { limit: user, windowMs: windows.user },
  };
}

/** The environment's SMS budget with this count (RATE_LIMIT_SMS_ENVIRONMENT), over its window. */
export function environmentLimit(limit: number): Limit {
  return { limit, windowMs: ENVIRONMENT_WINDOW_MS };
}

/**
 * `sms`: starting an approval and "send a new code", each of which texts a code. `code`: code
 * checks. A person needs one start, perhaps two resends, and a few tries at the code. The
 * environment's budget is for everyone together: generous, a stop for a flood from many
 * addresses, not for anyone's ordinary use.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  sms: { ...actionLimits('sms', [5, 20, 30]), environment: environmentLimit(300) },
  code: actionLimits('code', [10, 30, 60]),
};

/** Overrides by action and scope; anything not given keeps its default. */
export type RateLimitOverrides = { [A in LimitedAction]?: Partial<ActionLimits> };

export function rateLimitSettings(overrides: RateLimitOverrides = {}): RateLimits {
  return {
    sms: { ...DEFAULT_RATE_LIMITS.sms, ...overrides.sms },
    code: { ...DEFAULT_RATE_LIMITS.code, ...overrides.code },
  };
}

/** A store for one counter, named `action:scope`; in-process unless the caller shares one. */
export type RateLimitStoreFactory = (name: string) => Store;

export interface RateLimitOptions {
  limits: RateLimits;
  /**
   * Whom the request's approval is for (the request JWT's `sub`): the `user` counters are
   * keyed by it. The same function the approval routes use (AppDeps.approvalSubject).
   */
  subjectOf: (req: Request) => string;
  /** The PingOne environment the codes are texted through: the `environment` counter's key. */
  environmentId: string;
  store?: RateLimitStoreFactory;
  /** express-rate-limit's own warnings (a store that failed to start, a misconfiguration). */
  logger: RateLimitLogger;
}

function keyFor(scope: Scope, options: RateLimitOptions): (req: Request) => string {
  switch (scope) {
    case 'browser':
      // The session's browser id, or before the session the form cookie's (csrf.ts); neither is
      // missing once the CSRF check passed, and without them the address counter still holds.
      return (req) => req.browserId ?? req.sessionID ?? ipKeyGenerator(req.ip ?? '');
    case 'address':
      // ipKeyGenerator groups an IPv6 address by its /56, which one client can otherwise rotate.
      return (req) => ipKeyGenerator(req.ip ?? '');
    case 'user':
      return (req) => options.subjectOf(req).toLowerCase();
    case 'environment':
      return () => options.environmentId;
  }
}

/**
 * express-rate-limit middleware per action, one per counter, finest first. The routes mount
 * them after their own checks (session, CSRF token, a valid form or a live flow with a
 * well-formed code) and right before the step that texts a code or checks one, so only those
 * requests count. Over a limit the request ends in a `TooManyRequestsError` (429,
 * `Retry-After`, a page or JSON from the error handler). A store that fails or hangs fails the
 * request (the error handler answers 503): counting is what keeps the SMS quota, so it does
 * not fail open.
 */
export function rateLimits(options: RateLimitOptions): Record<LimitedAction, RequestHandler[]> {
  const makeStore = options.store ?? (() => new MemoryStore());
  const build = (action: LimitedAction): RequestHandler[] =>
    SCOPES.flatMap((scope) => {
      const configured = options.limits[action][scope];
      if (!configured) return [];
      const { limit, windowMs } = configured;
      const property = `rateLimit_${action}_${scope}`;
      return expressRateLimit({
        windowMs,
        limit,
        store: makeStore(`${action}:${scope}`),
        keyGenerator: keyFor(scope, options),
        standardHeaders: false,
        legacyHeaders: false,
        requestPropertyName: property,
        logger: options.logger,
        handler: (req, _res, next) => {
          const info = (req as unknown as Record<string, { resetTime?: Date }>)[property];
          const resetAt = info?.resetTime?.getTime() ?? Date.now() + windowMs;
          const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
          req.log?.warn(
            { event: 'rate.limited', action, scope, retryAfter, ...auditFields(req) },
            'rate limited',
          );
          rateLimitedChannel.publish({ action, scope } satisfies RateLimitedEvent);
          next(new TooManyRequestsError(retryAfter, action));
        },
      });
    });
  return { sms: build('sms'), code: build('code') };
}
