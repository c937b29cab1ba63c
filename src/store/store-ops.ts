import diagnostics_channel from 'node:diagnostics_channel';
import type session from 'express-session';
import type { ApprovalStore, StoreHealth } from '../approval/approval-store.js';

/** One session or approval store operation, as the metrics time it. Never a key or a value. */
export interface StoreOpEvent {
  backend: StoreHealth['kind'];
  /** `session.get`, `session.set`, `session.destroy`, `session.touch`, `approval.createIfAbsent`… */
  op: string;
  durationMs: number;
  ok: boolean;
}

export const storeOpChannel = diagnostics_channel.channel('store.op');

const SESSION_OPS = new Set(['get', 'set', 'destroy', 'touch']);
const APPROVAL_OPS = new Set(['createIfAbsent', 'get', 'listRecent', 'health']);

function publish(backend: StoreOpEvent['backend'], op: string, started: number, ok: boolean) {
  const event: StoreOpEvent = { backend, op, durationMs: performance.now() - started, ok };
  storeOpChannel.publish(event);
}

/**
 * The stores as `createStores` hands them out: each operation of the session store (its
 * callback) and of the approval store (its promise) published on `store.op` when anyone listens.
 * The one place that sees every store call of every backend; unobserved, a call goes straight
 * through.
 */
export function publishStoreOps<
  S extends {
    kind: StoreOpEvent['backend'];
    sessionStore: session.Store;
    approvals: ApprovalStore;
  },
>(stores: S): S {
  const { kind } = stores;
  const sessionStore = new Proxy(stores.sessionStore, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !SESSION_OPS.has(property)) return value;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const callback = args.at(-1);
        if (!storeOpChannel.hasSubscribers || typeof callback !== 'function') {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        }
        const started = performance.now();
        args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
          publish(kind, `session.${property}`, started, !error);
          return (callback as (...a: unknown[]) => unknown)(error, ...rest);
        };
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const approvals = new Proxy(stores.approvals, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !APPROVAL_OPS.has(property)) return value;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const call = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (!storeOpChannel.hasSubscribers) return call();
        const started = performance.now();
        try {
          const result = await call();
          publish(kind, `approval.${property}`, started, true);
          return result;
        } catch (error) {
          publish(kind, `approval.${property}`, started, false);
          throw error;
        }
      };
    },
  });
  return { ...stores, sessionStore, approvals };
}
