import type { IncrementResponse } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import {
  closeRedisClient,
  connectRedisClient,
  REDIS_KEY_PREFIX,
  type StoreLogger,
} from '../store/connect-redis-client.js';
import type { RateLimitStoreFactory } from './rate-limit.js';

/**
 * rate-limit-redis loads its scripts once, at init; a load that failed (Redis away at that
 * moment) would fail every later hit. This one loads them again on the next hit instead.
 */
class ReloadingRedisStore extends RedisStore {
  override async increment(key: string): Promise<IncrementResponse> {
    await Promise.all([this.incrementScriptSha, this.getScriptSha]).catch(() => {
      this.incrementScriptSha = this.loadIncrementScript();
      this.getScriptSha = this.loadGetScript();
      // Awaited by the next hit; the increment script by this one.
      this.getScriptSha.catch(() => undefined);
    });
    return super.increment(key);
  }
}

export type SharedRateLimitStores = Awaited<ReturnType<typeof sharedRateLimitStores>>;

/** A rate-limit command that outlives this fails the request. */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * Counters in Redis, shared by every instance, on a connection of their own (not queued behind
 * session writes); connectRedisClient gives each command a deadline that fires even against a
 * frozen server.
 */
export async function sharedRateLimitStores(
  redisUrl: string,
  options: {
    /** Prefix of every key (default `txa:`, like the session and approval keys), then `rl:`. */
    keyPrefix?: string;
    logger?: StoreLogger;
  } = {},
): Promise<{ store: RateLimitStoreFactory; close(): Promise<void> }> {
  const client = await connectRedisClient(redisUrl, {
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    logger: options.logger,
  });
  const prefix = `${options.keyPrefix ?? REDIS_KEY_PREFIX}rl:`;
  const sendCommand = (...args: string[]) => client.sendCommand(args) as Promise<RedisReply>;
  return {
    store: (name) => new ReloadingRedisStore({ sendCommand, prefix: `${prefix}${name}:` }),
    close: () => closeRedisClient(client),
  };
}
