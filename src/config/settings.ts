import {
  DEFAULT_SMS_MAX_SEGMENTS,
  REGIONS,
  type Env,
  type PingOneLocation,
  type Region,
  type WorkerCredentials,
} from './app-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PORT = 'a port number';
const MS = 'a whole number of milliseconds';

/** Whole-number settings: default (0: none), least, most, what the value counts. */
const NUMBERS = {
  PORT: [3000, 0, 65535, PORT],
  EMULATOR_PORT: [3001, 0, 65535, PORT],
  METRICS_PORT: [0, 0, 65535, PORT],
  PINGONE_TIMEOUT_MS: [10_000, 100, 120_000, MS],
  // Finished sessions expire after minutes (session-lifetime.ts): prune about as often.
  SESSION_PRUNE_INTERVAL_MS: [60_000, 100, 86_400_000, MS],
  REDIS_TIMEOUT_MS: [5_000, 100, 60_000, MS],
  // The OpenTelemetry specification's defaults.
  OTEL_EXPORTER_OTLP_TIMEOUT: [10_000, 100, 120_000, MS],
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: [10_000, 100, 120_000, MS],
  OTEL_BSP_SCHEDULE_DELAY: [5_000, 0, 600_000, MS],
  // Carriers join up to about ten parts reliably, and each is billed.
  SMS_MAX_SEGMENTS: [DEFAULT_SMS_MAX_SEGMENTS, 1, 10, 'a whole number of SMS parts'],
  // The codes texted through the environment an hour, by everyone.
  RATE_LIMIT_SMS_ENVIRONMENT: [0, 1, Infinity, 'a whole number of codes an hour, e.g. 300'],
} as const;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads setting values (undefined when unset or empty) and collects every problem, each naming
 * its setting, thrown together so that a user sees them all on one screen.
 */
export class Settings {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  add(problem: string): void {
    this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length) throw new ConfigError(this.problems);
  }

  str(key: string): string | undefined {
    return this.env[key]?.trim() || undefined;
  }

  url(key: string, value = this.str(key)): string | undefined {
    if (value === undefined) return undefined;
    if (/^https?:$/.test(URL.parse(value)?.protocol ?? '')) return value.replace(/\/+$/, '');
    this.add(`${key} must be an http(s) URL (got "${value}")`);
    return undefined;
  }

  number(key: keyof typeof NUMBERS): number {
    const [fallback, min, max, what] = NUMBERS[key];
    const value = this.str(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    this.add(`${key} must be ${what}${max < Infinity ? ` ${min}-${max}` : ''} (got "${value}")`);
    return fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.str(key);
    if (value === undefined) return fallback;
    if (/^(1|true|on|yes)$/i.test(value)) return true;
    if (/^(0|false|off|no)$/i.test(value)) return false;
    this.add(`${key} must be on or off (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(
    key: string,
    allowed: readonly T[],
    fallback: T,
    value = this.str(key),
  ): T {
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const names =
      allowed.length === 2 ? `"${allowed.join('" or "')}"` : `one of ${allowed.join(', ')}`;
    this.add(`${key} must be ${names} (got "${value}")`);
    return fallback;
  }

  uuid(key: string, value = this.str(key)): string | undefined {
    if (value !== undefined && !UUID.test(value))
      this.add(`${key} must be a UUID (got "${value}")`);
    return value;
  }

  logFormat(production: boolean): 'json' | 'pretty' {
    if (this.str('LOG_FORMAT') === undefined) return production ? 'json' : 'pretty';
    return this.oneOf('LOG_FORMAT', ['json', 'pretty'], 'json');
  }

  /** The environment id, region and optional host overrides. */
  location(environmentId: string): PingOneLocation {
    const value = this.str('PINGONE_REGION');
    const region = value?.toLowerCase().replace(/^\./, '');
    return {
      environmentId: this.uuid('PINGONE_ENVIRONMENT_ID', environmentId) ?? environmentId,
      region:
        REGIONS.find((r) => r === region) ??
        this.oneOf<Region>('PINGONE_REGION', REGIONS, 'com', value),
      apiUrl: this.url('PINGONE_API_URL'),
      authUrl: this.url('PINGONE_AUTH_URL'),
    };
  }

  /** The worker application's credentials: both id and secret, each named when missing. */
  worker(environmentId: string): WorkerCredentials | undefined {
    const clientId = this.str('PINGONE_WORKER_CLIENT_ID');
    const clientSecret = this.str('PINGONE_WORKER_CLIENT_SECRET');
    const workerEnv = this.uuid('PINGONE_WORKER_ENVIRONMENT_ID');
    if (!clientId)
      this.add("PINGONE_WORKER_CLIENT_ID is missing (the worker application's client id)");
    if (!clientSecret)
      this.add("PINGONE_WORKER_CLIENT_SECRET is missing (the worker application's secret)");
    if (!clientId || !clientSecret) return undefined;
    return { clientId, clientSecret, environmentId: workerEnv ?? environmentId };
  }
}
