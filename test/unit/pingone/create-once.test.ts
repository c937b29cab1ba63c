import { describe, expect, it } from 'vitest';
import { PingOneError } from '../../../src/pingone/pingone-error.js';
import { createOnce } from '../../../src/provisioning/find-or-create.js';

const err = (status: number | undefined, code: string, details: PingOneError['details'] = []) =>
  new PingOneError({ step: 'create x', method: 'POST', url: 'https://x', status, code, details });

describe('createOnce', () => {
  const noSleep = async () => {};

  it('reuses the object when a timed-out POST did land', async () => {
    let posts = 0;
    const store: string[] = [];
    const result = await createOnce({
      find: async () => store[0],
      create: async () => {
        posts += 1;
        store.push('made');
        throw err(undefined, 'TIMEOUT');
      },
      sleep: noSleep,
    });
    expect(result).toBe('made');
    expect(posts).toBe(1);
  });

  it('repeats the POST only after a read proves it did not land', async () => {
    const calls: string[] = [];
    const result = await createOnce({
      find: async () => {
        calls.push('find');
        return undefined;
      },
      create: async () => {
        calls.push('create');
        if (calls.length === 1) throw err(503, 'UNEXPECTED_ERROR');
        return 'ok';
      },
      sleep: noSleep,
    });
    expect(result).toBe('ok');
    expect(calls).toEqual(['create', 'find', 'create']);
  });

  it('takes a uniqueness conflict as "someone made it": reads and reuses', async () => {
    const result = await createOnce({
      find: async () => 'existing',
      create: async () => {
        throw err(400, 'INVALID_DATA', [{ code: 'UNIQUENESS_VIOLATION', target: 'name' }]);
      },
      sleep: noSleep,
    });
    expect(result).toBe('existing');
  });

  it('does not repeat a refused POST (400, 403) and gives up after maxAttempts', async () => {
    let posts = 0;
    await expect(
      createOnce({
        find: async () => undefined,
        create: async () => {
          posts += 1;
          throw err(403, 'ACCESS_FAILED');
        },
        sleep: noSleep,
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(posts).toBe(1);
    posts = 0;
    await expect(
      createOnce({
        find: async () => undefined,
        create: async () => {
          posts += 1;
          throw err(502, 'UNEXPECTED_ERROR');
        },
        sleep: noSleep,
      }),
    ).rejects.toMatchObject({ status: 502 });
    expect(posts).toBe(3);
  });

  it('waits Retry-After before the re-read after a 429', async () => {
    const waits: number[] = [];
    const e = new PingOneError({
      step: 's',
      method: 'POST',
      url: 'u',
      status: 429,
      code: 'REQUEST_LIMITED',
      retryAfterMs: 2000,
    });
    let first = true;
    await createOnce({
      find: async () => undefined,
      create: async () => {
        if (first) {
          first = false;
          throw e;
        }
        return 1;
      },
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([2000]);
  });
});
