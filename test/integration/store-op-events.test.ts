/**
 * store.op: every session and approval operation of the stores createStores builds, with its
 * backend, name, duration and outcome, and never a key or a value (src/store/store-ops.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionData } from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { storeOpChannel, type StoreOpEvent } from '../../src/store/store-ops.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sqliteStores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), 'txa-store-ops-'));
  const stores = await createStores({ dataDir: dir });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => stores.close());
  return stores;
}

function listen(): StoreOpEvent[] {
  const events: StoreOpEvent[] = [];
  const listener = (message: unknown) => events.push(message as StoreOpEvent);
  storeOpChannel.subscribe(listener);
  cleanups.push(() => void storeOpChannel.unsubscribe(listener));
  return events;
}

const session = {
  cookie: { originalMaxAge: 60_000 },
  csrfToken: 'secret-csrf',
} as unknown as SessionData;
const call = <T>(fn: (cb: (err: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) =>
    fn((err, value) => (err ? reject(err as Error) : resolve(value))),
  );

describe('store.op events', () => {
  it('one per operation, named, timed, with its outcome', async () => {
    const stores = await sqliteStores();
    const events = listen();
    await call((cb) => stores.sessionStore.set('sid-secret', session, cb));
    const read = await call<SessionData | null>((cb) => stores.sessionStore.get('sid-secret', cb));
    expect(read?.csrfToken).toBe('secret-csrf');
    await call((cb) => stores.sessionStore.destroy('sid-secret', cb));
    expect(await stores.approvals.get('no-such-transfer')).toBeUndefined();
    expect(events.map((e) => [e.backend, e.op, e.ok])).toEqual([
      ['sqlite', 'session.set', true],
      ['sqlite', 'session.get', true],
      ['sqlite', 'session.destroy', true],
      ['sqlite', 'approval.get', true],
    ]);
    for (const event of events) expect(event.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(events)).not.toMatch(/secret/);
  });

  it('a failed operation is published as failed and still fails', async () => {
    const stores = await sqliteStores();
    await stores.close();
    const events = listen();
    await expect(stores.approvals.listRecent(10)).rejects.toThrow();
    await expect(call((cb) => stores.sessionStore.get('sid', cb))).rejects.toThrow();
    expect(events.map((e) => [e.op, e.ok])).toEqual([
      ['approval.listRecent', false],
      ['session.get', false],
    ]);
  });

  it('unobserved, the stores work as before and publish nothing', async () => {
    const stores = await sqliteStores();
    expect(storeOpChannel.hasSubscribers).toBe(false);
    await call((cb) => stores.sessionStore.set('sid', session, cb));
    expect(
      (await call<SessionData | null>((cb) => stores.sessionStore.get('sid', cb)))?.csrfToken,
    ).toBe('secret-csrf');
    expect((await stores.approvals.health()).ok).toBe(true);
  });
});
