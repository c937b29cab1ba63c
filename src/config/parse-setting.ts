import type { LimitedAction } from '../errors.js';
import { actionLimits, environmentLimit } from '../http/rate-limit.js';
import { REGIONS, type Env, type Region } from './app-config.js';
import type { Problems } from './config-error.js';

/**
 * One parser per kind of setting. Each takes the raw value (undefined when unset), adds a
 * problem naming `key` when the value is bad, and returns the value to use.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The trimmed value of `key`; empty counts as unset. */
export function str(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

export function parseUrl(p: Problems, key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return value.replace(/\/+$/, '');
  } catch {
    p.add(`${key} must be an http(s) URL (got "${value}")`);
    return undefined;
  }
}

export function parsePort(
  p: Problems,
  key: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    p.add(`${key} must be a port number 0-65535 (got "${value}")`);
    return fallback;
  }
  return n;
}

export function parseRegion(p: Problems, value: string | undefined): Region {
  if (value === undefined) return 'com';
  const region = value.toLowerCase().replace(/^\./, '');
  if ((REGIONS as readonly string[]).includes(region)) return region as Region;
  p.add(`PINGONE_REGION must be one of ${REGIONS.join(', ')} (got "${value}")`);
  return 'com';
}

export function parseUuid(p: Problems, key: string, value: string | undefined) {
  if (value !== undefined && !UUID.test(value)) p.add(`${key} must be a UUID (got "${value}")`);
  return value;
}

export function parseBool(
  p: Problems,
  key: string,
  value: string | undefined,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (/^(1|true|on|yes)$/i.test(value)) return true;
  if (/^(0|false|off|no)$/i.test(value)) return false;
  p.add(`${key} must be on or off (got "${value}")`);
  return fallback;
}

export function parseLogLevel(p: Problems, value: string | undefined): string {
  if (value === undefined) return 'info';
  if (LOG_LEVELS.includes(value)) return value;
  p.add(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  return 'info';
}

export function parseLogFormat(p: Problems, value: string | undefined, production: boolean) {
  if (value === undefined) return production ? 'json' : 'pretty';
  if (value === 'json' || value === 'pretty') return value;
  p.add(`LOG_FORMAT must be "json" or "pretty" (got "${value}")`);
  return 'json';
}

/** Durations in milliseconds, each with its default and bounds. */
const MS_SETTINGS = {
  PINGONE_TIMEOUT_MS: { fallback: 10_000, min: 100, max: 120_000 },
  // Finished sessions expire after minutes (session-lifetime.ts): prune about as often.
  SESSION_PRUNE_INTERVAL_MS: { fallback: 60_000, min: 100, max: 86_400_000 },
  REDIS_TIMEOUT_MS: { fallback: 5_000, min: 100, max: 60_000 },
  // The OpenTelemetry specification's defaults.
  OTEL_EXPORTER_OTLP_TIMEOUT: { fallback: 10_000, min: 100, max: 120_000 },
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: { fallback: 10_000, min: 100, max: 120_000 },
  OTEL_BSP_SCHEDULE_DELAY: { fallback: 5_000, min: 0, max: 600_000 },
};

export function parseMs(p: Problems, env: Env, key: keyof typeof MS_SETTINGS): number {
  const value = str(env, key);
  const { fallback, min, max } = MS_SETTINGS[key];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    p.add(`${key} must be a whole number of milliseconds ${min}-${max} (got "${value}")`);
    return fallback;
  }
  return n;
}

/** "browser/address/user" request counts, e.g. "5/20/30"; the windows stay the defaults'. */
export function parseLimits(p: Problems, env: Env, action: LimitedAction) {
  const key = `RATE_LIMIT_${action.toUpperCase()}`;
  const value = str(env, key);
  if (value === undefined) return undefined;
  const counts = value.split('/').map((n) => Number(n.trim()));
  if (counts.length !== 3 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    p.add(`${key} must be three whole numbers browser/address/user, e.g. 5/20/30 (got "${value}")`);
    return undefined;
  }
  return actionLimits(action, counts as [number, number, number]);
}

/** RATE_LIMIT_SMS_ENVIRONMENT: the codes texted through the environment an hour, by everyone. */
export function parseEnvironmentLimit(p: Problems, env: Env) {
  const key = 'RATE_LIMIT_SMS_ENVIRONMENT';
  const value = str(env, key);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    p.add(`${key} must be a whole number of codes an hour, e.g. 300 (got "${value}")`);
    return undefined;
  }
  return environmentLimit(n);
}
