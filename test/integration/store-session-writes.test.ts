import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { sessionData, sessionsOf } from '../helpers/session-store.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function storesOn(dir: string): Promise<Stores> {
  const stores = await createStores({ dataDir: dir });
  cleanups.push(() => stores.close());
  return stores;
}

describe('SQLite session writes', () => {
  it('every save reaches the file: a process saving the same data again overwrites what another process wrote in between', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-writes-'));
    const here = sessionsOf(await storesOn(dir));
    const other = sessionsOf(await storesOn(dir));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const expires = new Date(Date.now() + 30_000);
    const mine = sessionData({ flow: 'mine' }, expires);

    await here.set('s1', mine);
    await other.set('s1', sessionData({ flow: 'theirs' }, expires));
    await here.set('s1', mine);
    expect(await other.get('s1')).toMatchObject({ flow: 'mine' });
  });
});
