import type { AppDeps } from '../../src/app.js';
import { sharedRateLimitStores } from '../../src/http/rate-limit-store.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';
import { listenApp, type ListeningApp } from './durable-app.js';
import { forFile } from './for-file.js';
import { startRedisServer, type RedisTestServer } from './redis-server.js';

export interface RedisInstances {
  pingone: ProvisionedEmulator;
  redis: RedisTestServer;
  apps: ListeningApp[];
  stores: Stores[];
  close(): Promise<void>;
}

/**
 * `count` instances behind a load balancer: in-process apps on loopback ports, each with its own
 * connections to one real redis-server for sessions, approvals and the shared counters (rate
 * limits, flow claims), over one provisioned emulator.
 */
export async function startRedisInstances(
  count: number,
  env: Record<string, string> = {},
  deps: Partial<AppDeps> = {},
): Promise<RedisInstances> {
  const pingone = await startProvisionedEmulator();
  const redis = await startRedisServer();
  const apps: ListeningApp[] = [];
  const stores: Stores[] = [];
  const closers: Array<() => Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const s = await createStores({
      redisUrl: redis.url,
      redisKeyPrefix: redis.keyPrefix,
    });
    stores.push(s);
    const counters = await sharedRateLimitStores(redis.url, { keyPrefix: redis.keyPrefix });
    closers.push(
      () => counters.close(),
      () => s.close(),
    );
    const app = await listenApp({ ...pingone.env, ...env }, s, {
      ...deps,
      counterStore: counters.store,
    });
    apps.push(app);
    closers.unshift(() => app.close());
  }
  return {
    pingone,
    redis,
    apps,
    stores,
    async close() {
      for (const close of closers) await close();
      await redis.stop();
      await pingone.emulator.close();
    },
  };
}

/** At a test file's top level: startRedisInstances for all its tests, closed after them. */
export function redisInstancesForFile(
  ...args: Parameters<typeof startRedisInstances>
): Promise<RedisInstances> {
  return forFile(
    () => startRedisInstances(...args),
    (stack) => stack.close(),
  );
}
