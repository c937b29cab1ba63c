import { PingOneError } from '../pingone/http.js';

export interface CreateOnceOptions<T> {
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  baseDelayMs?: number;
}

// A POST is repeated only after a fresh read shows the first did not land (docs/pingone-contract.md §2.2).
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
