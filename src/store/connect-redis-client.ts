import { createClient } from 'redis';
import type { Logger } from '../log.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

export type RedisClient = ReturnType<typeof createClient>;
export type StoreLogger = Pick<Logger, 'warn' | 'info'>;

/** The password, or a lone username that Redis treats as one (`redis://secret@host`), as `***`. */
export function redactRedisUrl(redisUrl: string): string {
  const url = URL.parse(redisUrl);
  // Not parseable, so we cannot tell which part is secret: show only the scheme.
  if (!url) return `${/^[a-z][a-z0-9+.-]*:/i.exec(redisUrl)?.[0] ?? ''}//***`;
  if (url.password) url.password = '***';
  else if (url.username) url.username = '***';
  return url.toString();
}

function scrubRedisSecrets(text: string, redisUrl: string): string {
  let secrets: string[];
  try {
    const url = new URL(redisUrl);
    secrets = [url.password, decodeURIComponent(url.password)];
    if (!url.password && url.username) secrets.push(url.username, decodeURIComponent(url.username));
  } catch {
    secrets = [redisUrl];
  }
  let out = text.split(redisUrl).join(redactRedisUrl(redisUrl));
  for (const secret of secrets.filter((s) => s.length > 0)) out = out.split(secret).join('***');
  return out;
}

/** The start of every key the app writes: sessions, approvals, rate limits and traces. */
export const REDIS_KEY_PREFIX = 'txa:';

/**
 * node-redis's own command `timeout` stops counting once the command is written, so against a
 * server that accepted the bytes and then froze (`kill -STOP`, a stalled VM) it never fires.
 */
export function withinDeadline<T>(
  promise: Promise<T>,
  ms: number,
  expired = () => new StoreUnavailableError('redis', `Redis did not answer within ${ms} ms`),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(expired()), ms);
  });
  // The abandoned call may still fail later (the connection drops): nobody waits for it.
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Every call that returns a promise gets the deadline: a new command cannot escape it. */
function redisWithDeadline<C extends object>(client: C, ms: number): C {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        const thenable = typeof (result as { then?: unknown } | null)?.then === 'function';
        return thenable ? withinDeadline(result as Promise<unknown>, ms) : result;
      };
    },
  });
}

/**
 * QUIT waits for pending replies, so it gets a second (or the command deadline, when shorter); a
 * gone or frozen server gets destroy.
 */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.isReady) await withinDeadline(client.close(), 1_000).catch(() => client.destroy());
  else if (client.isOpen) client.destroy();
}

function reasonOf(err: unknown, redisUrl: string): string {
  const text =
    err instanceof AggregateError && err.errors.length
      ? err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')
      : err instanceof Error
        ? err.message || err.name
        : String(err);
  return scrubRedisSecrets(text, redisUrl);
}

/**
 * A wrong REDIS_URL stops startup with one clear line within `connectTimeoutMs`. Once connected,
 * a lost connection is retried with backoff, and commands fail fast meanwhile (no offline queue).
 * Every call on the client it answers fails after `commandTimeoutMs` (redisWithDeadline).
 */
export async function connectRedisClient(
  redisUrl: string,
  options: { connectTimeoutMs?: number; commandTimeoutMs?: number; logger?: StoreLogger } = {},
): Promise<RedisClient> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
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
      commandOptions: { timeout: commandTimeoutMs },
      socket: {
        connectTimeout: connectTimeoutMs,
        // A doubling, capped backoff with jitter, so that instances spread their reconnects out.
        reconnectStrategy: (retries, cause) =>
          started
            ? Math.min(100 * 2 ** retries, 5_000) + Math.floor(Math.random() * 100)
            : unavailable(reasonOf(cause, redisUrl), cause),
      },
    });
  } catch (err) {
    throw unavailable(reasonOf(err, redisUrl), err);
  }

  // An unheard 'error' would crash the process; one comes per attempt, so log only the change.
  client.on('error', (err: unknown) => {
    if (!started || lost) return;
    lost = true;
    options.logger?.warn(
      { redis: safeUrl, err: reasonOf(err, redisUrl) },
      'Redis connection lost; reconnecting (sessions and approvals fail until it is back)',
    );
  });
  client.on('ready', () => {
    if (lost) options.logger?.info({ redis: safeUrl }, 'Redis connection restored');
    lost = false;
  });

  // A server that accepts the connection but is not Redis (or is stuck) answers no PING.
  const connected = client.connect().then(() => client.ping());
  try {
    await withinDeadline(connected, connectTimeoutMs + 250, () =>
      unavailable(`no answer within ${connectTimeoutMs} ms`),
    );
  } catch (err) {
    client.destroy(); // idempotent, also after a failed connect
    // The reconnect strategy's refusal wraps our own error; unwrap it.
    const own = err && typeof err === 'object' && 'originalError' in err ? err.originalError : err;
    throw own instanceof StoreUnavailableError ? own : unavailable(reasonOf(err, redisUrl), err);
  }
  started = true;
  return redisWithDeadline(client, commandTimeoutMs);
}
