import type { RedisClient } from './connect-redis-client.js';
import { withinDeadline } from './within-deadline.js';
import type { StoreLogger } from './store-logger.js';

/** The Redis server's clock as seen from here: the approval record's deadline is checked by it. */
export interface RedisClock {
  /** The server's time now, in epoch milliseconds (our clock plus the measured offset). */
  now(): number;
}

async function measureOffset(client: RedisClient, deadlineMs: number): Promise<number> {
  const before = Date.now();
  const [seconds, micros] = await withinDeadline(client.time(), deadlineMs);
  const after = Date.now();
  const server = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  // The server read its clock about halfway through the round trip.
  return server - (before + after) / 2;
}

/**
 * Measures the offset between our clock and the server's once at start and again after each
 * reconnect (a failover may land on another host). An app host whose clock is minutes off
 * would otherwise refuse every approval, or accept late ones.
 */
export async function redisClock(
  client: RedisClient,
  options: { deadlineMs: number; logger?: StoreLogger },
): Promise<RedisClock> {
  let offset = await measureOffset(client, options.deadlineMs);
  client.on('ready', () => {
    measureOffset(client, options.deadlineMs).then(
      (measured) => (offset = measured),
      (err: unknown) =>
        options.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'could not read the Redis clock after reconnecting; keeping the last offset',
        ),
    );
  });
  return { now: () => Date.now() + offset };
}
