import ipaddr from 'ipaddr.js';
import { defaultBaseUrl, type Env, type RelyingPartySettings } from './config/app-config.js';
import { Settings } from './config/settings.js';
import { parseMetrics, parseTracing } from './config/telemetry-config.js';
import { parseTrustProxy } from './config/trust-proxy.js';
import { readEnvFile } from './env-file.js';
import { actionLimits, environmentLimit, type RateLimitOverrides } from './http/rate-limit.js';

/** The only reader of `process.env`. Every problem is listed at once, on one screen. */

export * from './config/app-config.js';
export { ConfigError } from './config/settings.js';
export * from './config/setup-config.js';
export type { MetricsConfig, TracingConfig } from './config/telemetry-config.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Plain http to this machine never crosses a network. */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/** Refused unless `DEMO=1` says the deployment is a demo on purpose (docs/operations.md). */
function checkProduction(s: Settings, config: AppConfig): void {
  if (!config.production || config.demo) return;
  if (config.mode === 'embedded') {
    s.add(
      'NODE_ENV=production without PINGONE_ENVIRONMENT_ID would run the offline demo, whose ' +
        'emulator shows every code: set PINGONE_ENVIRONMENT_ID, PINGONE_CLIENT_ID, ' +
        'PINGONE_CLIENT_SECRET, PINGONE_USERNAME, PINGONE_TEMPLATE_VARIANT, PINGONE_POLICY_NAME, ' +
        'SESSION_SECRET for real PingOne ' +
        '(`npm run setup` writes them), or DEMO=1 to run the demo on purpose',
    );
  }
  for (const [key, url] of [
    ['PINGONE_API_URL', config.pingone?.apiUrl],
    ['PINGONE_AUTH_URL', config.pingone?.authUrl],
  ] as const) {
    if (url?.startsWith('http://') && !isLoopbackUrl(url)) {
      s.add(
        `${key} is plain http to another machine (${url}): the client secret and the tokens ` +
          'would cross the network in clear. Use https (plain http only to this machine, e.g. a ' +
          'local emulator), or DEMO=1 for a demo against an emulator elsewhere',
      );
    }
  }
  if (config.baseUrl.startsWith('http://') && !isLoopbackUrl(config.baseUrl)) {
    s.add(
      `BASE_URL is plain http (${config.baseUrl}): browsers would send the session cookie and ` +
        'the codes in clear. Serve the app over https (a TLS-terminating proxy, with ' +
        "TRUST_PROXY set to the proxy's address) and set an https BASE_URL, or DEMO=1 for a demo",
    );
  }
}

/**
 * `RATE_LIMIT_SMS` and `RATE_LIMIT_CODE` ("browser/address/user" request counts, e.g. "5/20/30";
 * the windows stay the defaults') and `RATE_LIMIT_SMS_ENVIRONMENT`, over the defaults.
 */
function parseRateLimits(s: Settings): RateLimitOverrides {
  const overrides: RateLimitOverrides = {};
  for (const action of ['sms', 'code'] as const) {
    const key = `RATE_LIMIT_${action.toUpperCase()}`;
    const value = s.str(key);
    if (value === undefined) continue;
    const counts = value.split('/').map((n) => Number(n.trim()));
    if (counts.length === 3 && counts.every((n) => Number.isInteger(n) && n >= 1)) {
      overrides[action] = actionLimits(action, counts as [number, number, number]);
    } else {
      s.add(
        `${key} must be three whole numbers browser/address/user, e.g. 5/20/30 (got "${value}")`,
      );
    }
  }
  const budget = s.number('RATE_LIMIT_SMS_ENVIRONMENT');
  if (budget) overrides.sms = { ...overrides.sms, environment: environmentLimit(budget) };
  return overrides;
}

function parseRelyingParty(s: Settings, environmentId: string): RelyingPartySettings {
  const need = (key: string, what: string): string => {
    const value = s.str(key);
    if (!value) s.add(`${key} is missing (${what}; run \`npm run setup\` to write it)`);
    return value ?? '';
  };
  const location = s.location(environmentId);
  const settings: RelyingPartySettings = {
    ...location,
    worker:
      (s.bool('PINGONE_FLOWS_BEARER', false) && s.worker(location.environmentId)) || undefined,
    clientId: need('PINGONE_CLIENT_ID', "the relying party application's id"),
    clientSecret: need('PINGONE_CLIENT_SECRET', "the relying party application's secret"),
    username: need('PINGONE_USERNAME', 'the demo user whose phone gets the SMS'),
    templateVariant: need('PINGONE_TEMPLATE_VARIANT', 'the transaction template variant'),
    policyName: need('PINGONE_POLICY_NAME', 'the sign-on policy name, sent as acr_values'),
  };
  const secret = s.str('SESSION_SECRET');
  if (!secret)
    s.add('SESSION_SECRET is missing (any long random string, e.g. `openssl rand -hex 32`)');
  else if (secret.length < 32) s.add('SESSION_SECRET must be at least 32 characters');
  return settings;
}

/** Without `PINGONE_ENVIRONMENT_ID` the app runs against its own emulator, needing nothing else. */
export function loadConfig(env: Env) {
  const s = new Settings(env);
  const port = s.number('PORT');
  const production = env.NODE_ENV === 'production';
  const environmentId = s.str('PINGONE_ENVIRONMENT_ID');
  const operatorToken = s.str('OPERATOR_TOKEN');
  if (operatorToken && operatorToken.length < 32)
    s.add('OPERATOR_TOKEN must be at least 32 characters');
  const redisUrl = s.str('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    s.add(`REDIS_URL must start with redis:// or rediss://`);
  const config = {
    mode: environmentId ? ('pingone' as const) : ('embedded' as const),
    /** In embedded mode the server fills it after provisioning. */
    pingone: environmentId ? parseRelyingParty(s, environmentId) : undefined,
    baseUrl: s.url('BASE_URL') ?? defaultBaseUrl(port),
    port,
    host: s.str('HOST') ?? '127.0.0.1',
    sessionSecret: s.str('SESSION_SECRET') ?? '',
    emulatorPort: s.number('EMULATOR_PORT'),
    // Not HOST: the emulator's control surface hands out every code, so it stays on this
    // machine unless its own setting says otherwise.
    emulatorHost: s.str('EMULATOR_HOST') ?? '127.0.0.1',
    /** Where browsers and apps reach the emulator when that is not where it listens (compose). */
    emulatorPublicUrl: s.url('EMULATOR_PUBLIC_URL'),
    redisUrl,
    approvalUi: s.oneOf('APPROVAL_UI', ['own', 'hosted'], 'own'),
    dataDir: s.str('DATA_DIR') ?? './data',
    inspector: s.bool('INSPECTOR', !environmentId),
    production,
    /** `DEMO=1`: a demo on purpose, so production allows embedded mode and plain http. */
    demo: s.bool('DEMO', false),
    logLevel: s.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: s.logFormat(production),
    timeoutMs: s.number('PINGONE_TIMEOUT_MS'),
    sessionPruneIntervalMs: s.number('SESSION_PRUNE_INTERVAL_MS'),
    rateLimits: parseRateLimits(s),
    operatorToken,
    redisTimeoutMs: s.number('REDIS_TIMEOUT_MS'),
    trustProxy: parseTrustProxy(s),
    smsMaxSegments: s.number('SMS_MAX_SEGMENTS'),
    metrics: parseMetrics(s, port),
    tracing: parseTracing(s),
  };
  checkProduction(s, config);
  s.throwIfAny();
  return config;
}

export type AppConfig = ReturnType<typeof loadConfig>;

/** Known even when the rest of the configuration is invalid: its problems are logged too. */
export function logFormatOf(env: Env): AppConfig['logFormat'] {
  return new Settings(env).logFormat(env.NODE_ENV === 'production');
}

/** Settings that are valid but probably wrong, for one log line each at start. */
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
  if (config.production && config.mode === 'pingone' && config.inspector && !config.demo) {
    warnings.push(
      'INSPECTOR is on with real PingOne in production: every user is shown how their approval ' +
        "ran (the request JWT's claims, PingOne's flow objects, the ID token's claims, this " +
        "app's client id and policy names; never secrets, codes, cookies or raw tokens). Switch " +
        'it off for real customers; DEMO=1 says this deployment is a demo and silences this.',
    );
  }
  return warnings;
}

/** The process environment alone, for a command that reads its own env file under it. */
export function processEnv(): Env {
  return { ...process.env };
}

/** `.env` under the process environment, which wins. */
export function setupEnvFromProcess(): Env {
  return { ...readEnvFile('.env'), ...processEnv() };
}
