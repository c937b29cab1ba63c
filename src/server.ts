import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createApp, type AppDeps } from './app.js';
import {
  ConfigError,
  configWarnings,
  EMBEDDED_PHONE,
  loadConfigFromProcess,
  type AppConfig,
} from './config.js';
import { provisionEmbedded } from './embedded-pingone.js';
import { startEmulator } from './emulator/index.js';
import { createInspector } from './inspector/inspector.js';
import { RedisTraceStore, type TraceStore } from './inspector/trace-store.js';
import { createLogger, type Logger } from './log.js';
import type { CallEvent } from './pingone/call-events.js';
import { createStores, type StoreKind, type Stores } from './store/create-stores.js';
import {
  closeRedisClient,
  connectRedisClient,
  redisWithDeadline,
} from './store/connect-redis-client.js';
import { StoreUnavailableError } from './store/store-unavailable-error.js';
import { sharedRateLimitStores, type SharedRateLimitStores } from './http/rate-limit-store.js';
import { startTelemetry, type Telemetry } from './telemetry/start-telemetry.js';
import { trackConnections } from './track-connections.js';
import { announce, explainConfigError } from './announce.js';

export interface StartOptions {
  config: AppConfig;
  logger?: Logger;
  /**
   * Sessions and approvals built by the caller (tests, to share them or to inject a clock); the
   * caller closes them. Default: `createStores` from REDIS_URL / DATA_DIR, closed by `close()`.
   */
  stores?: Stores;
  /** Overrides the store chosen from REDIS_URL / DATA_DIR (tests: `memory`). */
  storeKind?: StoreKind;
  /**
   * Embedded mode only: derive BASE_URL from the port actually bound (tests listen on port 0,
   * and PingOne must redirect back to where the app really is).
   */
  baseUrlFromPort?: boolean;
  /** Extra dependencies for createApp (tests). */
  deps?: Partial<Pick<AppDeps, 'fetch' | 'retry' | 'now' | 'rateLimits'>>;
}

export interface RunningStack {
  /** Where the app listens. */
  url: string;
  config: AppConfig;
  /** Embedded mode: the emulator's base URL and its simulated phone. */
  emulatorUrl?: string;
  phoneUrl?: string;
  /** Where sessions and approvals live: `sqlite`, `redis` or `memory`. */
  storeKind: StoreKind;
  /** `http://host:port/metrics` when METRICS_PORT is set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Seconds a client should wait before it asks again while the app is starting. */
const STARTING_RETRY_AFTER_S = 1;

/**
 * The answer to every request that arrives before the app is ready (the embedded emulator is
 * still being provisioned): the port is taken early, so that `baseUrlFromPort` knows it, but no
 * request may be accepted and then left without an answer.
 */
const answerStarting: RequestListener = (req, res) => {
  req.resume();
  res.writeHead(503, {
    'Retry-After': String(STARTING_RETRY_AFTER_S),
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
  });
  res.end(JSON.stringify({ status: 'starting', code: 'APP_STARTING' }));
};

/**
 * Finished inspector traces in the Redis the instances share, so that a result page served by
 * another instance still shows the timeline. A connection of its own: the stores keep theirs.
 */
async function sharedTraceStore(redisUrl: string, timeoutMs: number, logger: Logger) {
  const client = await connectRedisClient(redisUrl, { commandTimeoutMs: timeoutMs, logger });
  return {
    store: new RedisTraceStore(redisWithDeadline(client, timeoutMs)),
    close: () => closeRedisClient(client),
  };
}

/**
 * The composition root: in embedded mode it starts the emulator, provisions it with the same plan
 * `npm run setup` runs against PingOne, then serves the app. Tests (e2e) call it in-process.
 */
export async function startStack(options: StartOptions): Promise<RunningStack> {
  let config = options.config;
  let traceStore: TraceStore | undefined;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Stores first: an unreachable REDIS_URL must stop the start before the port is taken.
  const stores =
    options.stores ??
    (await createStores({
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
      dataDir: config.dataDir,
      logger,
      sqlitePruneIntervalMs: config.sessionPruneIntervalMs,
      redisCommandTimeoutMs: config.redisTimeoutMs,
      ...(options.storeKind ? { kind: options.storeKind } : {}),
    }));
  const closeOwnStores = options.stores ? async () => {} : () => stores.close();
  // With REDIS_URL every instance counts against the same rate limits and shows the same traces.
  let limitStores: SharedRateLimitStores | undefined;
  let closeTraces = async () => {};
  let telemetry: Telemetry | undefined;
  const closeStores = async () => {
    await telemetry?.close();
    await closeTraces();
    await limitStores?.close();
    await closeOwnStores();
  };
  try {
    // Metrics and traces (when configured) observe from the first request on.
    telemetry = await startTelemetry(config);
    if (config.redisUrl) limitStores = await sharedRateLimitStores(config.redisUrl, { logger });
    if (config.inspector && config.redisUrl && stores.kind === 'redis') {
      const shared = await sharedTraceStore(config.redisUrl, config.redisTimeoutMs, logger);
      closeTraces = shared.close;
      traceStore = shared.store;
    }
  } catch (error) {
    await closeStores();
    throw error;
  }
  const server = createServer();
  const connections = trackConnections(server);
  let handler: RequestListener = answerStarting;
  if (telemetry.metricsUrl) logger.info({ url: telemetry.metricsUrl }, 'metrics listening');
  server.on('request', (req, res) => handler(req, res));
  let address: AddressInfo;
  try {
    address = await listen(server, config.port, config.host);
  } catch (error) {
    await closeStores();
    throw error;
  }
  const appUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  if (options.baseUrlFromPort) config = { ...config, baseUrl: appUrl };

  const extra: Partial<AppDeps> = {};
  let setupCalls: CallEvent[] | undefined;
  // Aborted once the last request is answered: the app stops observing PingOne calls.
  const retired = new AbortController();
  let closeEmulator: (() => Promise<void>) | undefined;
  let emulatorUrl: string | undefined;
  try {
    if (config.mode === 'embedded') {
      // Loopback unless EMULATOR_HOST says otherwise: its control surface lists every code. A
      // demo image publishes it on purpose, for the phone page and the hosted sign-on page.
      const emulator = await startEmulator({
        port: config.emulatorPort,
        host: config.emulatorHost,
        ...(config.emulatorPublicUrl ? { publicUrl: config.emulatorPublicUrl } : {}),
        onError: (error) => logger.error({ err: error }, 'emulator: unexpected error'),
      });
      closeEmulator = () => emulator.close();
      emulatorUrl = emulator.url;
      const embedded = await provisionEmbedded(emulator, config);
      config = embedded.config;
      setupCalls = embedded.setupCalls;
      extra.emulatorPhoneUrl = `${emulator.url}/__emulator/phone`;
      extra.phoneHint = EMBEDDED_PHONE;
      extra.userId = embedded.userId;
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
        ...(traceStore && { store: traceStore }),
        ...(setupCalls && { setupCalls }),
        ...(extra.phoneHint && { phoneHint: extra.phoneHint }),
        ...(extra.emulatorPhoneUrl && {
          smsOutboxUrl: new URL('sms', extra.emulatorPhoneUrl).href,
        }),
        ...(options.deps?.now && { now: options.deps.now }),
      });
    const app = createApp({
      config,
      approvals: stores.approvals,
      sessionStore: stores.sessionStore,
      logger,
      signal: retired.signal,
      ...(limitStores ? { counterStore: limitStores.store } : {}),
      ...(inspector && { extensions: [inspector] }),
      ...extra,
      ...options.deps,
    });
    handler = telemetry.serve(app);
  } catch (error) {
    await connections.close();
    await closeEmulator?.();
    await closeStores();
    throw error;
  }

  return {
    url: appUrl,
    config,
    ...(emulatorUrl ? { emulatorUrl, phoneUrl: `${emulatorUrl}/__emulator/phone` } : {}),
    storeKind: stores.kind,
    ...(telemetry.metricsUrl ? { metricsUrl: telemetry.metricsUrl } : {}),
    async close() {
      // In-flight requests finish before the stores they write to are closed.
      await connections.close();
      retired.abort();
      await closeEmulator?.();
      await closeStores();
    },
  };
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (error instanceof ConfigError) {
      explainConfigError(error);
      process.exit(2);
    }
    throw error;
  }
  // Readable lines for `npm start`, JSON lines in production (the Docker image, log shippers).
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
  });
  for (const warning of configWarnings(config)) logger.warn({ event: 'config.warning' }, warning);
  let stack: RunningStack;
  try {
    stack = await startStack({ config, logger });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Exit 1 (a dependency failed), like `npm run setup` when PingOne fails; 2 stays for bad
    // configuration. A REDIS_URL that parses but cannot be reached is the former.
    const code = error instanceof StoreUnavailableError ? ` (${error.code})` : '';
    if (config.logFormat === 'json') logger.fatal({ err: error }, 'The app could not start');
    else console.error(`The app could not start${code}: ${message}`);
    process.exit(1);
  }
  announce(stack, config, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Within `docker stop`'s 10 s grace period, before its SIGKILL.
    const force = setTimeout(() => process.exit(1), 8_000);
    force.unref();
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
