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
/** Calls the method, and `settled(ok)` once it has finished. */
type Timing = (method: Method, args: unknown[], settled: (ok: boolean) => void) => unknown;

/** A session store method times until its callback (express-session's calls all pass one). */
const untilCallback: Timing = (method, args, settled) => {
  const callback = args.at(-1);
  if (typeof callback !== 'function') return method(...args);
  args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
    settled(!error);
    return (callback as Method)(error, ...rest);
  };
  return method(...args);
};

/** An approval store method times until its promise settles. */
const untilSettled: Timing = (method, args, settled) =>
  (method(...args) as Promise<unknown>).then(
    (value) => {
      settled(true);
      return value;
    },
    (error: unknown) => {
      settled(false);
      throw error;
    },
  );

/**
 * `target` with the methods named in `ops` timed; everything else goes to `target` itself, and
 * so does every call while nobody listens. The wrappers are made once, on first use.
 */
function observed<T extends object>(
  target: T,
  prefix: string,
  ops: readonly string[],
  timing: Timing,
  backend: StoreOpEvent['backend'],
): T {
  const wrappers = new Map<PropertyKey, Method>();
  const wrap = (name: string, method: Method) => {
    const op = `${prefix}.${name}`;
    return (...args: unknown[]) => {
      if (!storeOpChannel.hasSubscribers) return method.apply(target, args);
      const started = performance.now();
      return timing(method.bind(target), args, (ok) => {
        const event: StoreOpEvent = { backend, op, durationMs: performance.now() - started, ok };
        storeOpChannel.publish(event);
      });
    };
  };
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || !ops.includes(property as string)) return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) wrappers.set(property, (wrapper = wrap(property as string, value as Method)));
      return wrapper;
    },
  });
}

/**
 * The stores as `createStores` hands them out: each operation of the session store (until its
 * callback) and of the approval store (until its promise settles) published on `store.op` when
 * anyone listens. The one place that sees every store call of every backend.
 */
export function publishStoreOps<
  S extends {
    kind: StoreOpEvent['backend'];
    sessionStore: session.Store;
    approvals: ApprovalStore;
  },
>(stores: S): S {
  const sessionOps = ['get', 'set', 'destroy', 'touch'];
  const approvalOps = ['createIfAbsent', 'get', 'listRecent', 'health'];
  return {
    ...stores,
    sessionStore: observed(stores.sessionStore, 'session', sessionOps, untilCallback, stores.kind),
    approvals: observed(stores.approvals, 'approval', approvalOps, untilSettled, stores.kind),
  };
}
