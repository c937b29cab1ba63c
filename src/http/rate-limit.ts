import diagnostics_channel from 'node:diagnostics_channel';
import type { Request, RequestHandler } from 'express';
import {
  ipKeyGenerator,
  rateLimit as expressRateLimit,
  type AugmentedRequest,
  type Logger as RateLimitLogger,
  type Store,
} from 'express-rate-limit';
import { TooManyRequestsError, type LimitedAction } from '../errors.js';
import { auditFields } from './audit-fields.js';

type Limit = { limit: number; windowMs: number };

/**
 * Finest first: a browser, its address (a script dropping cookies), the PingOne user (an SMS quota
 * an attacker would burn), the environment (whose SMS the bank pays, `sms` only).
 */
type ActionLimits = Record<'browser' | 'address' | 'user', Limit> & { environment?: Limit };

type Scope = keyof ActionLimits;

/** Finest first: a request stopped by one counter uses none of the broader allowances. */
const SCOPES: readonly Scope[] = ['browser', 'address', 'user', 'environment'];

const MINUTE = 60_000;

/** Browser/address/user windows are fixed; counts are settings (RATE_LIMIT_SMS, _CODE). */
const WINDOWS: Record<LimitedAction, readonly [number, number, number]> = {
  sms: [15 * MINUTE, 15 * MINUTE, 60 * MINUTE],
  code: [MINUTE, MINUTE, MINUTE],
};

export function actionLimits(
  action: LimitedAction,
  [browser, address, user]: readonly [number, number, number],
): ActionLimits {
  const [browserMs, addressMs, userMs] = WINDOWS[action];
  return {
    browser: { limit: browser, windowMs: browserMs },
    address: { limit: address, windowMs: addressMs },
    user: { limit: user, windowMs: userMs },
  };
}

/** The environment's SMS budget (RATE_LIMIT_SMS_ENVIRONMENT) is counted by the hour. */
export function environmentLimit(limit: number): Limit {
  return { limit, windowMs: 60 * MINUTE };
}

/** A person needs one start, perhaps two resends, and a few tries at the code. */
export const DEFAULT_RATE_LIMITS: Record<LimitedAction, ActionLimits> = {
  sms: { ...actionLimits('sms', [5, 20, 30]), environment: environmentLimit(300) },
  code: actionLimits('code', [10, 30, 60]),
};

export type RateLimitOverrides = { [A in LimitedAction]?: Partial<ActionLimits> };

/** A store for the counter named `action:scope`. */
export type RateLimitStoreFactory = (name: string) => Store;

export type RateLimitedEvent = { action: LimitedAction; scope: Scope };

/** One event per refusal, for the metrics; the log line `rate.limited` says the same. */
export const rateLimitedChannel = diagnostics_channel.channel('http.rate_limited');

/**
 * One express-rate-limit middleware per counter, mounted right before the step that texts or checks
 * a code. A failing store fails the request (503): the SMS quota must not fail open.
 */
export function rateLimits(options: {
  /** Per action, over DEFAULT_RATE_LIMITS. */
  overrides: RateLimitOverrides;
  /** Whom the approval is for (the request JWT's `sub`, AppDeps.approvalSubject): `user` key. */
  subjectOf: (req: Request) => string;
  /** The PingOne environment the codes are texted through: the `environment` key. */
  environmentId: string;
  /** Without it, express-rate-limit's default: a MemoryStore per counter. */
  store?: RateLimitStoreFactory;
  logger: RateLimitLogger;
}): Record<LimitedAction, RequestHandler[]> {
  const keys: Record<Scope, (req: Request) => string> = {
    // Set by the CSRF check (csrf.ts); without it the address counter still holds.
    browser: (req) => req.browserId ?? req.sessionID ?? ipKeyGenerator(req.ip ?? ''),
    // ipKeyGenerator groups an IPv6 address by its /56, which one client can otherwise rotate.
    address: (req) => ipKeyGenerator(req.ip ?? ''),
    user: (req) => options.subjectOf(req).toLowerCase(),
    environment: () => options.environmentId,
  };
  const build = (action: LimitedAction): RequestHandler[] => {
    const limits = { ...DEFAULT_RATE_LIMITS[action], ...options.overrides[action] };
    return SCOPES.flatMap((scope) => {
      const configured = limits[scope];
      if (!configured) return [];
      const { limit, windowMs } = configured;
      return expressRateLimit({
        windowMs,
        limit,
        store: options.store?.(`${action}:${scope}`),
        keyGenerator: keys[scope],
        standardHeaders: false,
        legacyHeaders: false,
        logger: options.logger,
        handler: (req, _res, next) => {
          // This limiter has just set `req.rateLimit` (its documented `requestPropertyName`).
          const resetAt =
            (req as AugmentedRequest).rateLimit?.resetTime?.getTime() ?? Date.now() + windowMs;
          const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
          req.log.warn(
            { event: 'rate.limited', action, scope, retryAfter, ...auditFields(req) },
            'rate limited',
          );
          rateLimitedChannel.publish({ action, scope } satisfies RateLimitedEvent);
          next(new TooManyRequestsError(retryAfter, action));
        },
      });
    });
  };
  return { sms: build('sms'), code: build('code') };
}
