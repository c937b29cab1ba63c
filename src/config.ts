import {
  DEFAULT_SMS_MAX_SEGMENTS,
  defaultBaseUrl,
  type AppConfig,
  type Env,
  type RelyingPartySettings,
} from './config/app-config.js';
import { Problems } from './config/config-error.js';
import {
  parseBool,
  parseEnvironmentLimit,
  parseLimits,
  parseLogFormat,
  parseLogLevel,
  parseMs,
  parsePort,
  parseUrl,
  str,
} from './config/parse-setting.js';
import { parseLocation, parseWorker } from './config/pingone-location.js';
import { productionProblems } from './config/production-problems.js';
import { parseMetrics, parseTracing } from './config/telemetry-config.js';
import { parseTrustProxy } from './config/trust-proxy.js';
import { readEnvFile } from './env-file.js';

/**
 * The only reader of `process.env`. Every setting is validated at once so that a user sees every
 * problem in one screen instead of fixing them one start at a time.
 */

export * from './config/app-config.js';
export { ConfigError } from './config/config-error.js';
export * from './config/setup-config.js';

/** `SMS_MAX_SEGMENTS`: carriers join up to about ten parts reliably, and each is billed. */
function parseSmsMaxSegments(p: Problems, value: string | undefined): number {
  if (value === undefined) return DEFAULT_SMS_MAX_SEGMENTS;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= 10) return n;
  p.add(`SMS_MAX_SEGMENTS must be a whole number of SMS parts 1-10 (got "${value}")`);
  return DEFAULT_SMS_MAX_SEGMENTS;
}

/**
 * Validates the relying party's settings. Without `PINGONE_ENVIRONMENT_ID` the app runs in
 * embedded mode against its own emulator and needs nothing else.
 */
export function loadConfig(env: Env): AppConfig {
  const p = new Problems();
  const port = parsePort(p, 'PORT', str(env, 'PORT'), 3000);
  const baseUrl = parseUrl(p, 'BASE_URL', str(env, 'BASE_URL')) ?? defaultBaseUrl(port);
  const production = env.NODE_ENV === 'production';
  const environmentId = str(env, 'PINGONE_ENVIRONMENT_ID');
  const approvalUi = str(env, 'APPROVAL_UI') ?? 'own';
  if (approvalUi !== 'own' && approvalUi !== 'hosted') {
    p.add(`APPROVAL_UI must be "own" or "hosted" (got "${approvalUi}")`);
  }
  const config: AppConfig = {
    mode: environmentId ? 'pingone' : 'embedded',
    baseUrl,
    port,
    host: str(env, 'HOST') ?? '127.0.0.1',
    sessionSecret: str(env, 'SESSION_SECRET') ?? '',
    emulatorPort: parsePort(p, 'EMULATOR_PORT', str(env, 'EMULATOR_PORT'), 3001),
    // Not HOST: the emulator's control surface hands out every code, so it stays on this
    // machine unless its own setting says otherwise.
    emulatorHost: str(env, 'EMULATOR_HOST') ?? '127.0.0.1',
    approvalUi: approvalUi === 'hosted' ? 'hosted' : 'own',
    dataDir: str(env, 'DATA_DIR') ?? './data',
    inspector: false,
    production,
    demo: parseBool(p, 'DEMO', str(env, 'DEMO'), false),
    logLevel: parseLogLevel(p, str(env, 'LOG_LEVEL')),
    logFormat: parseLogFormat(p, str(env, 'LOG_FORMAT'), production),
    timeoutMs: parseMs(p, env, 'PINGONE_TIMEOUT_MS'),
    sessionPruneIntervalMs: parseMs(p, env, 'SESSION_PRUNE_INTERVAL_MS'),
    rateLimits: {},
    redisTimeoutMs: parseMs(p, env, 'REDIS_TIMEOUT_MS'),
    trustProxy: parseTrustProxy(p, str(env, 'TRUST_PROXY')),
    smsMaxSegments: parseSmsMaxSegments(p, str(env, 'SMS_MAX_SEGMENTS')),
  };
  for (const action of ['sms', 'code'] as const) {
    const limits = parseLimits(p, env, action);
    if (limits) config.rateLimits[action] = limits;
  }
  const environmentBudget = parseEnvironmentLimit(p, env);
  if (environmentBudget)
    config.rateLimits.sms = { ...config.rateLimits.sms, environment: environmentBudget };
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
  const metrics = parseMetrics(p, env, port);
  if (metrics) config.metrics = metrics;
  const tracing = parseTracing(p, env);
  if (tracing) config.tracing = tracing;

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
      const worker = parseWorker(p, env, location.environmentId);
      if (worker) settings.worker = worker;
    }
    config.pingone = settings;
    if (!config.sessionSecret) {
      p.add('SESSION_SECRET is missing (any long random string, e.g. `openssl rand -hex 32`)');
    } else if (config.sessionSecret.length < 32) {
      p.add('SESSION_SECRET must be at least 32 characters');
    }
  }
  for (const problem of productionProblems(config)) p.add(problem);
  p.throwIfAny();
  return config;
}

/**
 * The log format, known even when the rest of the configuration is invalid: its problems are
 * logged too, as JSON in production.
 */
export function logFormatFromProcess(envFile = '.env'): AppConfig['logFormat'] {
  const env = setupEnvFromProcess(envFile);
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

/** Reads `.env` (if present) under the process environment, which wins, then validates. */
export function loadConfigFromProcess(envFile = '.env'): AppConfig {
  return loadConfig(setupEnvFromProcess(envFile));
}

/** The settings as the process sees them: `.env` (or `envFile`) under the process environment. */
export function setupEnvFromProcess(envFile = '.env'): Env {
  return { ...readEnvFile(envFile), ...process.env };
}
