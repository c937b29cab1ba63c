import { StoreUnavailableError } from './store-unavailable-error.js';

/**
 * Rejects with `StoreUnavailableError` when `promise` has not settled after `ms`. node-redis's
 * own command `timeout` stops counting once the command is written, so against a server that
 * accepted the bytes and then froze (`kill -STOP`, a stalled VM) it never fires.
 */
export function withinDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    const expired = () =>
      reject(new StoreUnavailableError('redis', `Redis did not answer within ${ms} ms`));
    timer = setTimeout(expired, ms);
  });
  // The abandoned call may still fail later (the connection drops): nobody waits for it.
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
