import session from 'express-session';
import type { SessionData } from 'express-session';
import type { Stores } from '../../src/store/create-stores.js';

/** Session data as express-session stores it: a Cookie (expiring at `expires`) plus fields. */
export function sessionData(fields: Record<string, unknown>, expires?: Date): SessionData {
  const cookie = new session.Cookie();
  if (expires) cookie.expires = expires;
  return { cookie, ...fields } as SessionData;
}

function call<T>(fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** The stores' express-session Store with promises instead of callbacks. */
export function sessionsOf(stores: Stores) {
  const store = stores.sessionStore;
  return {
    get: (sid: string) => call<SessionData | null>((cb) => store.get(sid, cb)),
    set: (sid: string, data: SessionData) => call<void>((cb) => store.set(sid, data, cb)),
    touch: (sid: string, data: SessionData) =>
      call<void>((cb) => store.touch!(sid, data, cb as () => void)),
    destroy: (sid: string) => call<void>((cb) => store.destroy(sid, cb)),
    length: () => call<number>((cb) => store.length!(cb)),
    clear: () => call<void>((cb) => store.clear!(cb)),
    all: () => call<unknown>((cb) => store.all!(cb)),
  };
}
