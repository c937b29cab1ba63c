import { StoreUnavailableError } from './store-unavailable-error.js';

/**
 * Rejects with `StoreUnavailableError` when `promise` has not settled after `ms`. node-redis's
 * own command `timeout` stops counting once the command is written, so against a server that
 * accepted the bytes and then froze (`kill -STOP`, a stalled VM) it never fires.
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
