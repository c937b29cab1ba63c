import { PingOneError } from '../pingone/pingone-error.js';

export interface CreateOnceOptions<T> {
  /** Reads PingOne for the object the create would make. */
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  /** Total create attempts (default 3). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  baseDelayMs?: number;
}

/**
 * Creates an object with a POST, which is not safe to repeat blindly: after a failure that may
 * or may not have landed (timeout, network error, 429, 5xx), or a uniqueness conflict, it reads
 * PingOne again and only repeats the POST when the read proves the object is not there.
 * docs/pingone-contract.md §2.2: a POST is repeated only after a fresh read shows the first did not land.
 */
export async function createOnce<T>(options: CreateOnceOptions<T>): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const baseDelayMs = options.baseDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.create();
    } catch (error) {
      if (!(error instanceof PingOneError)) throw error;
      const conflict =
        error.status === 400 &&
        (error.hasDetail('UNIQUENESS_VIOLATION') ||
          error.details.some((d) => d.code === 'INVALID_VALUE' && d.target === 'name'));
      if (!conflict && !error.transient) throw error;
      if (error.transient) {
        const wait = error.retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1);
        if (wait > 30_000) throw error;
        await sleep(wait);
      }
      const found = await options.find();
      if (found !== undefined) return found;
      if (conflict || attempt >= maxAttempts) throw error;
    }
  }
}
