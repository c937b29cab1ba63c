import { createClient } from 'redis';
import { redactRedisUrl, scrubRedisSecrets } from './redact-redis-url.js';
import { withinDeadline } from './redis-deadline.js';
import type { StoreLogger } from './store-logger.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

export type RedisClient = ReturnType<typeof createClient>;

export interface ConnectRedisOptions {
  /** How long startup may take to reach Redis and get an answer to PING. */
  connectTimeoutMs?: number;
  /** Every command after startup fails after this long instead of hanging a request. */
  commandTimeoutMs?: number;
  logger?: StoreLogger;
}

/** Backoff after a lost connection: 100 ms doubling to 5 s, with jitter so instances spread out. */
function reconnectDelayMs(retries: number): number {
  return Math.min(100 * 2 ** retries, 5_000) + Math.floor(Math.random() * 100);
}

function reasonOf(err: unknown, redisUrl: string): string {
  // The client wraps the socket error when the reconnect strategy gives up.
  const inner =
    err && typeof err === 'object' && 'socketError' in err ? (err.socketError as unknown) : err;
  const text =
    inner instanceof AggregateError && inner.errors.length
      ? inner.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')
      : inner instanceof Error
        ? inner.message || inner.name
        : String(inner);
  return scrubRedisSecrets(text, redisUrl);
}

/**
 * Connects to `redisUrl` or throws a `StoreUnavailableError` within about `connectTimeoutMs`.
 * At startup there is no retry loop: a wrong or unreachable REDIS_URL should stop the process
 * with a clear line, not hang it. Once connected, a lost connection is retried with backoff, and
 * commands fail fast meanwhile (no offline queue) so requests get an error, not a stall.
 */
export async function connectRedisClient(
  redisUrl: string,
  options: ConnectRedisOptions = {},
): Promise<RedisClient> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
  const safeUrl = redactRedisUrl(redisUrl);
  const unavailable = (reason: string, cause?: unknown) =>
    new StoreUnavailableError(
      'redis',
      `Cannot use Redis at REDIS_URL=${safeUrl}: ${reason}. Check that the server runs and that ` +
        'REDIS_URL (host, port, password, TLS) is right, or unset REDIS_URL to use the local store.',
      { cause },
    );

  let started = false;
  let lost = false;
  let client: RedisClient;
  try {
    client = createClient({
      url: redisUrl,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? 5_000 },
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries, cause) =>
          started ? reconnectDelayMs(retries) : unavailable(reasonOf(cause, redisUrl), cause),
      },
    });
  } catch (err) {
    throw unavailable(reasonOf(err, redisUrl), err);
  }

  // Without a listener an 'error' event would crash the process; the client emits one for
  // every failed attempt, so log only the change from connected to lost.
  client.on('error', (err: unknown) => {
    if (!started || lost) return;
    lost = true;
    options.logger?.warn(
      { redis: safeUrl, err: reasonOf(err, redisUrl) },
      'Redis connection lost; reconnecting (sessions and approvals fail until it is back)',
    );
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    options.logger?.info({ redis: safeUrl }, 'Redis connection restored');
  });

  // A server that accepts the connection but is not Redis (or is stuck) answers no PING.
  const connected = client.connect().then(() => client.ping());
  try {
    await withinDeadline(connected, connectTimeoutMs + 250, () =>
      unavailable(`no answer within ${connectTimeoutMs} ms`),
    );
  } catch (err) {
    try {
      client.destroy();
    } catch {
      // Already closed by the failed connect.
    }
    if (err instanceof StoreUnavailableError) throw err;
    // The reconnect strategy's refusal wraps our own error; unwrap it.
    const own =
      err && typeof err === 'object' && 'originalError' in err ? err.originalError : undefined;
    if (own instanceof StoreUnavailableError) throw own;
    throw unavailable(reasonOf(err, redisUrl), err);
  }
  started = true;
  return client;
}
