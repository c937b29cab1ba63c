import { isIP } from 'node:net';
import { readEnvFile } from './env-file.js';
import { RATE_LIMIT_WINDOWS, type RateLimitOverrides } from './http/rate-limit.js';

/**
 * The only reader of `process.env`. Every setting is validated at once so that a user sees every
 * problem in one screen instead of fixing them one start at a time.
 */

export const REGIONS = ['com', 'ca', 'eu', 'com.au', 'sg', 'asia'] as const;
export type Region = (typeof REGIONS)[number];

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where PingOne is: a region, optionally overridden hosts (the emulator, a proxy). */
export interface PingOneLocation {
  environmentId: string;
  region: Region;
  /** Management base including `/v1`, when overridden. */
  apiUrl?: string;
  /** Auth base without the environment id, when overridden. */
  authUrl?: string;
}

export interface WorkerCredentials {
  clientId: string;
  clientSecret: string;
  /** The environment the worker application lives in (defaults to the target environment). */
  environmentId: string;
}

export interface RelyingPartySettings extends PingOneLocation {
  clientId: string;
  clientSecret: string;
  username: string;
  templateVariant: string;
  policyName: string;
  /** docs/pingone-contract.md §9: send a worker bearer token on /flows calls only when this is set. */
  worker?: WorkerCredentials;
}

export interface AppConfig {
  /** `embedded`: no PingOne settings, the app runs against its own emulator. */
  mode: 'pingone' | 'embedded';
  /** Present in `pingone` mode; in embedded mode the server fills it after provisioning. */
  pingone?: RelyingPartySettings;
  baseUrl: string;
  port: number;
  host: string;
  sessionSecret: string;
  emulatorPort: number;
  /** Where browsers and apps reach the emulator when that is not where it listens (compose). */
  emulatorPublicUrl?: string;
  redisUrl?: string;
  approvalUi: 'own' | 'hosted';
  dataDir: string;
  inspector: boolean;
  production: boolean;
  logLevel: string;
  /** `pretty` (development default) or `json` (production default). */
  logFormat: 'json' | 'pretty';
  /** Timeout of every outbound PingOne call. */
  timeoutMs: number;
  /** SQLite store: how often expired sessions are deleted. */
  sessionPruneIntervalMs: number;
  /** `RATE_LIMIT_SMS` / `RATE_LIMIT_CODE`: counts per browser/address/user over the defaults. */
  rateLimits: RateLimitOverrides;
  /** `OPERATOR_TOKEN`: a bearer token that lets an operator list every approval. */
  operatorToken?: string;
  /** Redis store: how long any call may take before the request gets 503. */
  redisTimeoutMs: number;
  /**
   * Express `trust proxy`: the proxies whose X-Forwarded-For/-Proto are believed. `false`
   * (default) believes no one; a number counts hops; a list names addresses, subnets or
   * proxy-addr's `loopback`, `linklocal`, `uniquelocal`.
   */
  trustProxy: false | number | string[];
}

export interface SetupConfig {
  location: PingOneLocation;
  worker: WorkerCredentials;
  phone: string;
  username: string;
  redirectUri: string;
  prefix: string;
  writeEnvPath: string;
  dryRun: boolean;
  teardown: boolean;
  json: boolean;
  showSecrets: boolean;
  timeoutMs: number;
}

export const DEFAULT_PREFIX = 'TxApproval';
export const DEFAULT_BASE_URL = 'http://localhost:3000';
/** A reserved-for-fiction number; embedded mode only. */
export const EMBEDDED_PHONE = '+15555550100';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const E164 = /^\+[1-9][0-9]{6,14}$/;
/** PingOne's sign-on policy name pattern; our prefix ends up in that name. */
const NAME = /^[a-zA-Z0-9_. -]+$/;

function str(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

class Problems {
  readonly list: string[] = [];
  add(problem: string): void {
    this.list.push(problem);
  }
  throwIfAny(): void {
    if (this.list.length) throw new ConfigError(this.list);
  }
}

function parseUrl(p: Problems, key: string, value: string | undefined): string | undefined {
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

function parsePort(p: Problems, key: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    p.add(`${key} must be a port number 0-65535 (got "${value}")`);
    return fallback;
  }
  return n;
}

function parseRegion(p: Problems, value: string | undefined): Region {
  if (value === undefined) return 'com';
  const region = value.toLowerCase().replace(/^\./, '');
  if ((REGIONS as readonly string[]).includes(region)) return region as Region;
  p.add(`PINGONE_REGION must be one of ${REGIONS.join(', ')} (got "${value}")`);
  return 'com';
}

function parseUuid(p: Problems, key: string, value: string | undefined): string | undefined {
  if (value !== undefined && !UUID.test(value)) p.add(`${key} must be a UUID (got "${value}")`);
  return value;
}

function parseBool(
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseLogLevel(p: Problems, value: string | undefined): string {
  if (value === undefined) return 'info';
  if (LOG_LEVELS.includes(value)) return value;
  p.add(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  return 'info';
}

function parseLogFormat(p: Problems, value: string | undefined, production: boolean) {
  if (value === undefined) return production ? 'json' : 'pretty';
  if (value === 'json' || value === 'pretty') return value;
  p.add(`LOG_FORMAT must be "json" or "pretty" (got "${value}")`);
  return 'json';
}

function parseMs(
  p: Problems,
  key: string,
  value: string | undefined,
  range: { fallback: number; min: number; max: number },
): number {
  if (value === undefined) return range.fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    p.add(
      `${key} must be a whole number of milliseconds ${range.min}-${range.max} (got "${value}")`,
    );
    return range.fallback;
  }
  return n;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, `address/prefix` or `address/netmask`, as proxy-addr (Express) reads them. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', mask, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (mask === undefined) return true;
  if (/^\d+$/.test(mask)) return Number(mask) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(mask) === 4;
}

function parseTrustProxy(p: Problems, value: string | undefined): false | number | string[] {
  if (value === undefined || /^(0|false|off|no)$/i.test(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (bad.length) {
    p.add(
      `TRUST_PROXY must be off, a number of proxy hops, or a comma-separated list of the proxies' ` +
        `addresses or subnets (or loopback, linklocal, uniquelocal); "${bad.join('", "')}" is not`,
    );
    return false;
  }
  return entries;
}

function parseTimeout(p: Problems, value: string | undefined): number {
  return parseMs(p, 'PINGONE_TIMEOUT_MS', value, { fallback: 10_000, min: 100, max: 120_000 });
}

/** "browser/address/user" request counts, e.g. "5/20/30"; the windows stay the defaults'. */
function parseLimits(
  p: Problems,
  key: string,
  value: string | undefined,
  windows: Record<'browser' | 'address' | 'user', number>,
) {
  if (value === undefined) return undefined;
  const counts = value.split('/').map((n) => Number(n.trim()));
  if (counts.length !== 3 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    p.add(`${key} must be three whole numbers browser/address/user, e.g. 5/20/30 (got "${value}")`);
    return undefined;
  }
  const [browser, address, user] = counts as [number, number, number];
  return {
    browser: { limit: browser, windowMs: windows.browser },
    address: { limit: address, windowMs: windows.address },
    user: { limit: user, windowMs: windows.user },
  };
}

function parseLocation(p: Problems, env: Env, environmentId: string): PingOneLocation {
  const location: PingOneLocation = {
    environmentId: parseUuid(p, 'PINGONE_ENVIRONMENT_ID', environmentId) ?? environmentId,
    region: parseRegion(p, str(env, 'PINGONE_REGION')),
  };
  const apiUrl = parseUrl(p, 'PINGONE_API_URL', str(env, 'PINGONE_API_URL'));
  const authUrl = parseUrl(p, 'PINGONE_AUTH_URL', str(env, 'PINGONE_AUTH_URL'));
  if (apiUrl) location.apiUrl = apiUrl;
  if (authUrl) location.authUrl = authUrl;
  return location;
}

function parseWorker(p: Problems, env: Env, environmentId: string, required: boolean) {
  const clientId = str(env, 'PINGONE_WORKER_CLIENT_ID');
  const clientSecret = str(env, 'PINGONE_WORKER_CLIENT_SECRET');
  const workerEnv = str(env, 'PINGONE_WORKER_ENVIRONMENT_ID');
  parseUuid(p, 'PINGONE_WORKER_ENVIRONMENT_ID', workerEnv);
  if (!clientId || !clientSecret) {
    if (required || clientId || clientSecret) {
      if (!clientId)
        p.add("PINGONE_WORKER_CLIENT_ID is missing (the worker application's client id)");
      if (!clientSecret)
        p.add("PINGONE_WORKER_CLIENT_SECRET is missing (the worker application's secret)");
    }
    return undefined;
  }
  return { clientId, clientSecret, environmentId: workerEnv ?? environmentId };
}

/**
 * Validates the relying party's settings. Without `PINGONE_ENVIRONMENT_ID` the app runs in
 * embedded mode against its own emulator and needs nothing else.
 */
export function loadConfig(env: Env): AppConfig {
  const p = new Problems();
  const baseUrl = parseUrl(p, 'BASE_URL', str(env, 'BASE_URL')) ?? DEFAULT_BASE_URL;
  const production = env.NODE_ENV === 'production';
  const environmentId = str(env, 'PINGONE_ENVIRONMENT_ID');
  const approvalUi = str(env, 'APPROVAL_UI') ?? 'own';
  if (approvalUi !== 'own' && approvalUi !== 'hosted') {
    p.add(`APPROVAL_UI must be "own" or "hosted" (got "${approvalUi}")`);
  }
  const config: AppConfig = {
    mode: environmentId ? 'pingone' : 'embedded',
    baseUrl,
    port: parsePort(p, 'PORT', str(env, 'PORT'), 3000),
    host: str(env, 'HOST') ?? '127.0.0.1',
    sessionSecret: str(env, 'SESSION_SECRET') ?? '',
    emulatorPort: parsePort(p, 'EMULATOR_PORT', str(env, 'EMULATOR_PORT'), 3001),
    approvalUi: approvalUi === 'hosted' ? 'hosted' : 'own',
    dataDir: str(env, 'DATA_DIR') ?? './data',
    inspector: false,
    production,
    logLevel: parseLogLevel(p, str(env, 'LOG_LEVEL')),
    logFormat: parseLogFormat(p, str(env, 'LOG_FORMAT'), production),
    timeoutMs: parseTimeout(p, str(env, 'PINGONE_TIMEOUT_MS')),
    // Finished sessions expire after minutes (session-lifetime.ts): prune about as often.
    sessionPruneIntervalMs: parseMs(
      p,
      'SESSION_PRUNE_INTERVAL_MS',
      str(env, 'SESSION_PRUNE_INTERVAL_MS'),
      { fallback: 60_000, min: 100, max: 86_400_000 },
    ),
    rateLimits: {},
    redisTimeoutMs: parseMs(p, 'REDIS_TIMEOUT_MS', str(env, 'REDIS_TIMEOUT_MS'), {
      fallback: 5_000,
      min: 100,
      max: 60_000,
    }),
    trustProxy: parseTrustProxy(p, str(env, 'TRUST_PROXY')),
  };
  const smsLimits = parseLimits(
    p,
    'RATE_LIMIT_SMS',
    str(env, 'RATE_LIMIT_SMS'),
    RATE_LIMIT_WINDOWS.sms,
  );
  const codeLimits = parseLimits(
    p,
    'RATE_LIMIT_CODE',
    str(env, 'RATE_LIMIT_CODE'),
    RATE_LIMIT_WINDOWS.code,
  );
  if (smsLimits) config.rateLimits.sms = smsLimits;
  if (codeLimits) config.rateLimits.code = codeLimits;
  const operatorToken = str(env, 'OPERATOR_TOKEN');
  if (operatorToken) {
    if (operatorToken.length < 32) p.add('OPERATOR_TOKEN must be at least 32 characters');
    config.operatorToken = operatorToken;
  }
  const emulatorPublicUrl = parseUrl(p, 'EMULATOR_PUBLIC_URL', str(env, 'EMULATOR_PUBLIC_URL'));
  if (emulatorPublicUrl) config.emulatorPublicUrl = emulatorPublicUrl;
  const redisUrl = str(env, 'REDIS_URL');
  if (redisUrl) {
    if (!/^rediss?:\/\//.test(redisUrl)) p.add(`REDIS_URL must start with redis:// or rediss://`);
    config.redisUrl = redisUrl;
  }
  config.inspector = parseBool(p, 'INSPECTOR', str(env, 'INSPECTOR'), config.mode === 'embedded');

  if (environmentId) {
    const location = parseLocation(p, env, environmentId);
    const need = (key: string, what: string): string => {
      const value = str(env, key);
      if (!value) p.add(`${key} is missing (${what}; run \`npm run setup\` to write it)`);
      return value ?? '';
    };
    const settings: RelyingPartySettings = {
      ...location,
      clientId: need('PINGONE_CLIENT_ID', "the relying party application's id"),
      clientSecret: need('PINGONE_CLIENT_SECRET', "the relying party application's secret"),
      username: need('PINGONE_USERNAME', 'the demo user whose phone gets the SMS'),
      templateVariant: need('PINGONE_TEMPLATE_VARIANT', 'the transaction template variant'),
      policyName: need('PINGONE_POLICY_NAME', 'the sign-on policy name, sent as acr_values'),
    };
    if (parseBool(p, 'PINGONE_FLOWS_BEARER', str(env, 'PINGONE_FLOWS_BEARER'), false)) {
      const worker = parseWorker(p, env, location.environmentId, true);
      if (worker) settings.worker = worker;
    }
    config.pingone = settings;
    if (!config.sessionSecret) {
      p.add('SESSION_SECRET is missing (any long random string, e.g. `openssl rand -hex 32`)');
    } else if (config.sessionSecret.length < 32) {
      p.add('SESSION_SECRET must be at least 32 characters');
    }
  }
  p.throwIfAny();
  return config;
}

/**
 * The log format, known even when the rest of the configuration is invalid: its problems are
 * logged too, as JSON in production.
 */
export function logFormatFromProcess(envFile = '.env'): AppConfig['logFormat'] {
  const env: Env = { ...readEnvFile(envFile), ...process.env };
  return parseLogFormat(new Problems(), str(env, 'LOG_FORMAT'), env.NODE_ENV === 'production');
}

/**
 * Settings that are valid but probably wrong, for one log line each at start. With an https
 * BASE_URL the session cookie is `secure`, and express-session sets it only on a request it
 * believes is https: over plain HTTP, or behind a proxy that is not trusted, no cookie is ever
 * set and every form answers "session expired".
 */
export function configWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  if (new URL(config.baseUrl).protocol === 'https:' && config.trustProxy === false) {
    warnings.push(
      'BASE_URL is https, but TRUST_PROXY is not set and the app itself serves plain HTTP: it ' +
        'cannot tell that a browser came over https, so the secure session cookie is never set ' +
        'and every form says "session expired". Behind a TLS-terminating proxy, set TRUST_PROXY ' +
        "to the proxy's address; without one, use an http:// BASE_URL.",
    );
  }
  return warnings;
}

/** Reads `.env` (if present) under the process environment, which wins, then validates. */
export function loadConfigFromProcess(envFile = '.env'): AppConfig {
  return loadConfig({ ...readEnvFile(envFile), ...process.env });
}

/** The setup command's flags, already split by `scripts/setup.ts`; undefined when not given. */
export interface SetupFlags {
  phone?: string;
  username?: string;
  redirectUri?: string;
  prefix?: string;
  writeEnv?: string;
  dryRun?: boolean;
  teardown?: boolean;
  json?: boolean;
  showSecrets?: boolean;
}

/**
 * Validates the setup command's inputs: flags first, then the environment, then the env file.
 * Lists every problem at once (exit code 2 in the command line).
 */
export function loadSetupConfig(flags: SetupFlags, env: Env): SetupConfig {
  const p = new Problems();
  const environmentId = str(env, 'PINGONE_ENVIRONMENT_ID');
  if (!environmentId) p.add('PINGONE_ENVIRONMENT_ID is missing (the environment to provision)');
  const location = parseLocation(p, env, environmentId ?? '');
  const worker = parseWorker(p, env, location.environmentId, true);
  const baseUrl = parseUrl(p, 'BASE_URL', str(env, 'BASE_URL')) ?? DEFAULT_BASE_URL;
  const phone = flags.phone ?? str(env, 'PINGONE_PHONE');
  if (!phone && !flags.teardown)
    p.add("--phone is missing (the demo user's mobile number, e.g. --phone +15125201234)");
  if (phone && !E164.test(phone)) p.add(`--phone must be + and 7-15 digits (got "${phone}")`);
  const prefix = flags.prefix ?? DEFAULT_PREFIX;
  if (!NAME.test(prefix) || prefix.length > 40) {
    p.add(
      `--prefix may hold letters, digits, space, "_", "." and "-", at most 40 (got "${prefix}")`,
    );
  }
  const username =
    flags.username ??
    str(env, 'PINGONE_USERNAME') ??
    `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-demo`;
  if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(username))
    p.add(`--username has characters PingOne refuses (got "${username}")`);
  const redirectUri = parseUrl(p, '--redirect-uri', flags.redirectUri) ?? `${baseUrl}/callback`;
  if (flags.dryRun && flags.teardown) p.add('--dry-run and --teardown cannot be combined');
  const timeoutMs = parseTimeout(p, str(env, 'PINGONE_TIMEOUT_MS'));
  p.throwIfAny();
  return {
    location,
    worker: worker!,
    phone: phone ?? '',
    username,
    redirectUri,
    prefix,
    writeEnvPath: flags.writeEnv ?? '.env',
    dryRun: flags.dryRun ?? false,
    teardown: flags.teardown ?? false,
    json: flags.json ?? false,
    showSecrets: flags.showSecrets ?? false,
    timeoutMs,
  };
}

/** The setup command's environment: `.env` (or `envFile`) under the process environment. */
export function setupEnvFromProcess(envFile = '.env'): Env {
  return { ...readEnvFile(envFile), ...process.env };
}
