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

/**
 * Times the methods `ops` of `target` on `store.op` while anyone listens: a session store's until
 * its callback, an approval store's until its promise settles.
 */
function observe(target: object, prefix: string, ops: string[], backend: StoreOpEvent['backend']) {
  const methods = target as Record<string, Method>;
  for (const name of ops) {
    const method = methods[name]!.bind(target);
    const op = `${prefix}.${name}`;
    methods[name] = (...args) => {
      if (!storeOpChannel.hasSubscribers) return method(...args);
      const started = performance.now();
      const settled = (ok: boolean) => {
        const durationMs = performance.now() - started;
        storeOpChannel.publish({ backend, op, durationMs, ok } satisfies StoreOpEvent);
      };
      if (prefix === 'approval') {
        return (method(...args) as Promise<unknown>).then(
          (value) => (settled(true), value),
          (error: unknown) => {
            settled(false);
            throw error;
          },
        );
      }
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
          settled(!error);
          return (callback as Method)(error, ...rest);
        };
      }
      return method(...args);
    };
  }
}

/** The one place that sees every store call of every backend (`createStores` calls it). */
export function publishStoreOps(
  backend: StoreOpEvent['backend'],
  sessionStore: session.Store,
  approvals: ApprovalStore,
): void {
  observe(sessionStore, 'session', ['get', 'set', 'destroy', 'touch'], backend);
  observe(approvals, 'approval', ['createIfAbsent', 'get', 'listRecent', 'health'], backend);
}
