import type { Request, RequestHandler } from 'express';
import {
  ipKeyGenerator,
  MemoryStore,
  rateLimit as expressRateLimit,
  type Logger as RateLimitLogger,
  type Store,
} from 'express-rate-limit';
import { TooManyRequestsError, type LimitedAction } from '../errors.js';
import { rateLimitedChannel, type RateLimitedEvent } from './rate-limit-events.js';

/** Requests allowed per window and key. */
export interface Limit {
  limit: number;
  windowMs: number;
}

/**
 * The three counters of one action. A browser (kept across session regeneration) is the finest;
 * a script that drops its cookies is still one client address; many addresses still approve for
 * one PingOne user, whose SMS quota (50 a day) is what an attacker would burn.
 */
export interface ActionLimits {
  browser: Limit;
  address: Limit;
  user: Limit;
}

export type RateLimits = Record<LimitedAction, ActionLimits>;

const MINUTE = 60_000;

/** The windows are fixed; the counts are settings (RATE_LIMIT_SMS, RATE_LIMIT_CODE). */
export const RATE_LIMIT_WINDOWS: Record<LimitedAction, Record<keyof ActionLimits, number>> = {
  sms: { browser: 15 * MINUTE, address: 15 * MINUTE, user: 60 * MINUTE },
  code: { browser: MINUTE, address: MINUTE, user: MINUTE },
};

/** The three limits of `action` with these browser/address/user counts, over its fixed windows. */
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

/**
 * `sms`: starting an approval and "send a new code", each of which texts a code. `code`: code
 * checks. A person needs one start, perhaps two resends, and a few tries at the code.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  sms: actionLimits('sms', [5, 20, 30]),
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
  /** The PingOne user the app approves for: the `user` counters are keyed by it. */
  username: string;
  store?: RateLimitStoreFactory;
  /** express-rate-limit's own warnings (a store that failed to start, a misconfiguration). */
  logger: RateLimitLogger;
}

declare module 'express-session' {
  interface SessionData {
    /** Identifies the browser across session regeneration (rate limits count per browser). */
    browserId?: string;
  }
}

type Scope = keyof ActionLimits;

function keyFor(scope: Scope, username: string): (req: Request) => string {
  switch (scope) {
    case 'browser':
      // Before a session has a browser id (no cookie yet), its session id: a fresh one each time,
      // which the address counter then catches.
      return (req) => req.session?.browserId ?? req.sessionID ?? ipKeyGenerator(req.ip ?? '');
    case 'address':
      // ipKeyGenerator groups an IPv6 address by its /56, which one client can otherwise rotate.
      return (req) => ipKeyGenerator(req.ip ?? '');
    case 'user':
      return () => username.toLowerCase();
  }
}

/**
 * express-rate-limit middleware per action: browser, address and user counters in that order,
 * so a browser that is stopped uses none of the user's allowance. Over a limit the request ends
 * in a `TooManyRequestsError` (429, `Retry-After`, a page or JSON from the error handler).
 * A store that fails or hangs fails the request (the error handler answers 503): counting is
 * what keeps the SMS quota, so it does not fail open.
 */
export function rateLimits(options: RateLimitOptions): Record<LimitedAction, RequestHandler[]> {
  const makeStore = options.store ?? (() => new MemoryStore());
  const build = (action: LimitedAction): RequestHandler[] =>
    (['browser', 'address', 'user'] as const).map((scope) => {
      const { limit, windowMs } = options.limits[action][scope];
      return expressRateLimit({
        windowMs,
        limit,
        store: makeStore(`${action}:${scope}`),
        keyGenerator: keyFor(scope, options.username),
        standardHeaders: false,
        legacyHeaders: false,
        // Starting with a form that fails validation sends no SMS: only successes count.
        skipFailedRequests: action === 'sms',
        requestPropertyName: `rateLimit_${action}_${scope}`,
        logger: options.logger,
        handler: (req, _res, next) => {
          const info = (req as unknown as Record<string, { resetTime?: Date }>)[
            `rateLimit_${action}_${scope}`
          ];
          const resetAt = info?.resetTime?.getTime() ?? Date.now() + windowMs;
          const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
          req.log?.warn({ event: 'rate.limited', action, scope, retryAfter }, 'rate limited');
          rateLimitedChannel.publish({ action, scope } satisfies RateLimitedEvent);
          next(new TooManyRequestsError(retryAfter, action));
        },
      });
    });
  return { sms: build('sms'), code: build('code') };
}
