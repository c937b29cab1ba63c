import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp, type AppDeps } from './app.js';
import {
  ConfigError,
  configWarnings,
  EMBEDDED_PHONE,
  loadConfig,
  logFormatOf,
  setupEnvFromProcess,
  type AppConfig,
} from './config.js';
import { provisionEmbedded } from './embedded-pingone.js';
import { startEmulator } from './emulator/index.js';
import { createInspector } from './inspector/inspector.js';
import { RedisTraceStore } from './inspector/trace-store.js';
import { createLogger, type Logger } from './log.js';
import { createStores } from './store/create-stores.js';
import {
  closeRedisClient,
  connectRedisClient,
  redactRedisUrl,
  type RedisClient,
} from './store/connect-redis-client.js';
import { SQLITE_FILE_NAME } from './store/open-sqlite-database.js';
import { StoreUnavailableError } from './store/store-unavailable-error.js';
import { sharedRateLimitStores, type SharedRateLimitStores } from './http/rate-limit-store.js';
import { startTelemetry, type Telemetry } from './telemetry/start-telemetry.js';
import { trackConnections } from './track-connections.js';

export interface StartOptions {
  config: AppConfig;
  logger: Logger;
  /** Embedded mode: BASE_URL from the port bound (tests listen on port 0). */
  baseUrlFromPort?: boolean;
  deps?: Pick<AppDeps, 'fetch' | 'rateLimits'>;
}

export type RunningStack = Awaited<ReturnType<typeof startStack>>;

/** Before the app is ready: the port is taken early, for `baseUrlFromPort`, but none may hang. */
const answerStarting: RequestListener = (req, res) => {
  req.resume();
  res.writeHead(503, {
    'Retry-After': '1',
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
  });
  res.end(JSON.stringify({ status: 'starting', code: 'APP_STARTING' }));
};

/** Embedded mode: the emulator, provisioned with the plan `npm run setup` runs; then the app. */
export async function startStack(options: StartOptions) {
  let config = options.config;
  const { logger } = options;
  // Stores first: an unreachable REDIS_URL must stop the start before the port is taken.
  const stores = await createStores({
    redisUrl: config.redisUrl,
    dataDir: config.dataDir,
    logger,
    sqlitePruneIntervalMs: config.sessionPruneIntervalMs,
    redisCommandTimeoutMs: config.redisTimeoutMs,
  });
  // With REDIS_URL every instance counts against the same rate limits and shows the same traces.
  let limitStores: SharedRateLimitStores | undefined;
  let traces: RedisClient | undefined;
  let telemetry: Telemetry | undefined;
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  // Aborted once the last request is answered: the app stops observing PingOne calls.
  const retired = new AbortController();
  const server = createServer();
  const connections = trackConnections(server);
  /** Whatever has been opened, at a failed start or at shutdown. */
  const close = async () => {
    // In-flight requests finish before the stores they write to are closed.
    await connections.close();
    retired.abort();
    await emulator?.close();
    await telemetry?.close();
    if (traces) await closeRedisClient(traces);
    await limitStores?.close();
    await stores.close();
  };
  let handler: RequestListener = answerStarting;
  server.on('request', (req, res) => handler(req, res));
  try {
    // Metrics and traces (when configured) observe from the first request on.
    telemetry = await startTelemetry(config);
    if (config.redisUrl) limitStores = await sharedRateLimitStores(config.redisUrl, { logger });
    if (config.inspector && config.redisUrl) {
      // A connection of its own, so that another instance's result page shows the timeline.
      const commandTimeoutMs = config.redisTimeoutMs;
      traces = await connectRedisClient(config.redisUrl, { commandTimeoutMs, logger });
    }
    if (telemetry.metricsUrl) logger.info({ url: telemetry.metricsUrl }, 'metrics listening');
    server.listen(config.port, config.host);
    await once(server, 'listening');
    const address = server.address() as AddressInfo;
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    const appUrl = `http://${host}:${address.port}`;
    if (options.baseUrlFromPort) config = { ...config, baseUrl: appUrl };

    let embedded: Awaited<ReturnType<typeof provisionEmbedded>> | undefined;
    let phoneUrl: string | undefined;
    if (config.mode === 'embedded') {
      // Loopback unless EMULATOR_HOST says otherwise: its control surface lists every code. A
      // demo image publishes it on purpose, for the phone page and the hosted sign-on page.
      emulator = await startEmulator({
        port: config.emulatorPort,
        host: config.emulatorHost,
        publicUrl: config.emulatorPublicUrl,
        onError: (error) => logger.error({ err: error }, 'emulator: unexpected error'),
      });
      embedded = await provisionEmbedded(emulator, config);
      config = embedded.config;
      phoneUrl = `${emulator.url}/__emulator/phone`;
    }
    // The inspector (on by default in embedded mode) only listens; the app mounts it.
    const inspector =
      config.inspector &&
      createInspector({
        mode: config.mode,
        ui: config.approvalUi,
        approvals: stores.approvals,
        signal: retired.signal,
        flowsBearer: Boolean(config.pingone?.worker),
        store: traces && new RedisTraceStore(traces),
        setupCalls: embedded?.setupCalls,
        phoneHint: embedded && EMBEDDED_PHONE,
        smsOutboxUrl: emulator && `${emulator.url}/__emulator/sms`,
      });
    const app = createApp({
      config,
      approvals: stores.approvals,
      sessionStore: stores.sessionStore,
      logger,
      signal: retired.signal,
      counterStore: limitStores?.store,
      ...(inspector && { extensions: [inspector] }),
      ...(embedded && {
        emulatorPhoneUrl: phoneUrl,
        phoneHint: EMBEDDED_PHONE,
        userId: embedded.userId,
      }),
      ...options.deps,
    });
    handler = telemetry.serve(app);
    return {
      url: appUrl,
      config,
      ...(emulator && { emulatorUrl: emulator.url, phoneUrl }),
      storeKind: stores.kind,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function explainConfigError(error: ConfigError, format: AppConfig['logFormat']): void {
  if (format === 'json') {
    createLogger().fatal(
      { errorCode: error.code, problems: error.problems },
      'The app cannot start: the configuration has problems',
    );
    return;
  }
  console.error('The app cannot start: the configuration has problems.\n');
  for (const problem of error.problems) console.error(`  - ${problem}`);
  console.error(
    '\nFix them in .env or the environment. `npm run setup` provisions PingOne and writes the PINGONE_* settings;' +
      '\nwithout PINGONE_ENVIRONMENT_ID, `npm start` runs the offline demo against the built-in emulator' +
      '\n(with NODE_ENV=production only when DEMO=1 says so).',
  );
}

/** Three readable lines for `npm start`, one JSON line (the same facts as fields) for JSON logs. */
function announce(stack: RunningStack, logger: Logger): void {
  const { config } = stack;
  const store =
    stack.storeKind === 'redis'
      ? `Redis at ${redactRedisUrl(config.redisUrl ?? '')}`
      : `${join(config.dataDir, SQLITE_FILE_NAME)} (SQLite)`;
  const where = stack.phoneUrl
    ? `Embedded PingOne emulator at ${stack.emulatorUrl}; the SMS arrives on ${stack.phoneUrl}`
    : `PingOne environment ${config.pingone?.environmentId} (${config.approvalUi} approval UI)`;
  const first = `Approve a transfer at ${config.baseUrl}  (listening on ${stack.url})`;
  if (config.logFormat === 'json') {
    logger.info(
      {
        event: 'ready',
        baseUrl: config.baseUrl,
        listening: stack.url,
        mode: config.mode,
        ...(stack.phoneUrl ? { emulatorUrl: stack.emulatorUrl, phoneUrl: stack.phoneUrl } : {}),
        store: stack.storeKind,
      },
      `${first}. ${where}. Sessions and approvals in ${store}`,
    );
    return;
  }
  console.log([first, where, `Sessions and approvals in ${store}`].join('\n'));
}

async function main(): Promise<void> {
  const env = setupEnvFromProcess();
  let config: AppConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    explainConfigError(error, logFormatOf(env));
    process.exit(2);
  }
  // Readable lines for `npm start`, JSON lines in production (the Docker image, log shippers).
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  for (const warning of configWarnings(config)) logger.warn({ event: 'config.warning' }, warning);
  const stack = await startStack({ config, logger }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // Exit 1 (a dependency failed), like `npm run setup` when PingOne fails; 2 stays for bad
    // configuration. A REDIS_URL that parses but cannot be reached is the former.
    const code = error instanceof StoreUnavailableError ? ` (${error.code})` : '';
    if (config.logFormat === 'json') logger.fatal({ err: error }, 'The app could not start');
    else console.error(`The app could not start${code}: ${message}`);
    return process.exit(1);
  });
  announce(stack, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Within `docker stop`'s 10 s grace period, before its SIGKILL.
    setTimeout(() => process.exit(1), 8_000).unref();
    stack.close().then(
      () => {
        logger.info('stopped: connections and stores closed');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
