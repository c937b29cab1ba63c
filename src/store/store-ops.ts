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

type Method = (...args: unknown[]) => unknown;

function publish(backend: StoreOpEvent['backend'], op: string, started: number, ok: boolean) {
  const event: StoreOpEvent = { backend, op, durationMs: performance.now() - started, ok };
  storeOpChannel.publish(event);
}

/** A session store method timed until its callback (express-session's calls all pass one). */
function timedCallback(
  backend: StoreOpEvent['backend'],
  op: string,
  method: Method,
  target: object,
) {
  return (...args: unknown[]) => {
    const callback = args.at(-1);
    if (!storeOpChannel.hasSubscribers || typeof callback !== 'function') {
      return method.apply(target, args);
    }
    const started = performance.now();
    args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
      publish(backend, op, started, !error);
      return (callback as Method)(error, ...rest);
    };
    return method.apply(target, args);
  };
}

/** An approval store method timed until its promise settles. */
function timedPromise(
  backend: StoreOpEvent['backend'],
  op: string,
  method: Method,
  target: object,
) {
  return (...args: unknown[]) => {
    const result = method.apply(target, args) as Promise<unknown>;
    if (!storeOpChannel.hasSubscribers) return result;
    const started = performance.now();
    return result.then(
      (value) => {
        publish(backend, op, started, true);
        return value;
      },
      (error: unknown) => {
        publish(backend, op, started, false);
        throw error;
      },
    );
  };
}

/**
 * `target` with the methods named in `ops` timed by `timed`; everything else, and every write,
 * goes to `target` itself. The wrappers are made once, on first use.
 */
function observed<T extends object>(
  target: T,
  prefix: string,
  ops: readonly string[],
  timed: typeof timedCallback,
  backend: StoreOpEvent['backend'],
): T {
  const wrappers = new Map<PropertyKey, Method>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || !ops.includes(property as string)) return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        wrapper = timed(backend, `${prefix}.${String(property)}`, value as Method, object);
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

/**
 * The stores as `createStores` hands them out: each operation of the session store (until its
 * callback) and of the approval store (until its promise settles) published on `store.op` when
 * anyone listens. The one place that sees every store call of every backend; unobserved, a call
 * goes straight through.
 */
export function publishStoreOps<
  S extends {
    kind: StoreOpEvent['backend'];
    sessionStore: session.Store;
    approvals: ApprovalStore;
  },
>(stores: S): S {
  return {
    ...stores,
    sessionStore: observed(
      stores.sessionStore,
      'session',
      ['get', 'set', 'destroy', 'touch'],
      timedCallback,
      stores.kind,
    ),
    approvals: observed(
      stores.approvals,
      'approval',
      ['createIfAbsent', 'get', 'listRecent', 'health'],
      timedPromise,
      stores.kind,
    ),
  };
}
