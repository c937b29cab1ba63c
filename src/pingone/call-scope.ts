import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The approval a PingOne call serves. openid-client makes its calls through one shared
 * `customFetch` and hands it nothing about the exchange it serves, so the token step runs inside
 * a scope that this fetch reads back (src/pingone/http.ts).
 */
export interface CallScope {
  /** Sent as `X-Ping-External-Transaction-ID`: the transfer being approved. */
  transactionId?: string | undefined;
  /** The app's own request id, on the call's event. */
  requestId?: string | undefined;
}

export const callScope = new AsyncLocalStorage<CallScope>();
