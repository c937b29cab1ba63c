/**
 * A durable store (SQLite file or Redis server) cannot be used. Thrown at startup so that a
 * misconfigured deployment stops with one clear line instead of failing on the first approval.
 * The message never holds a password: Redis URLs are redacted before they get here.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    readonly kind: 'sqlite' | 'redis',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
