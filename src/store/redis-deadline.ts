import { withinDeadline } from './within-deadline.js';

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * The client as the stores see it: every call that returns a promise (every command) gets the
 * deadline. What the stores and connect-redis call is not listed here, so a new call in either
 * cannot escape it.
 */
export function redisWithDeadline<C extends object>(client: C, ms: number): C {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return isThenable(result) ? withinDeadline(result, ms) : result;
      };
    },
  });
}

/**
 * Closes a node-redis client: QUIT waits for pending replies, so it gets a second; with the
 * server gone or frozen there is nothing to wait for.
 */
export async function closeRedisClient(client: {
  isReady: boolean;
  isOpen: boolean;
  close(): Promise<unknown>;
  destroy(): void;
}): Promise<void> {
  if (client.isReady) await withinDeadline(client.close(), 1_000).catch(() => client.destroy());
  else if (client.isOpen) client.destroy();
}
