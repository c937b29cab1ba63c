import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/pingone/http.js';
import { createWorkerTokenSource } from '../../../src/pingone/worker-token.js';

const ENV = '11111111-1111-4111-8111-111111111111';
const WORKER_ENV = '22222222-2222-4222-8222-222222222222';

function tokenFetch() {
  const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
  let n = 0;
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({
      url: String(input),
      headers: init?.headers as Record<string, string>,
      body: String(init?.body),
    });
    n += 1;
    return new Response(
      JSON.stringify({ access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 }),
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
      },
    );
  }) as typeof fetch;
  return { fn, seen };
}

describe('createWorkerTokenSource', () => {
  it("asks the worker's own environment with client_secret_basic and caches the token", async () => {
    const { fn, seen } = tokenFetch();
    let now = 1_000_000;
    const source = createWorkerTokenSource({
      location: { environmentId: ENV, region: 'eu' },
      worker: { clientId: 'wid', clientSecret: 'wsecret', environmentId: WORKER_ENV },
      http: createHttpClient({ fetch: fn }),
      now: () => now,
    });
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect(a).toBe('tok-1');
    expect(b).toBe('tok-1');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(`https://auth.pingone.eu/${WORKER_ENV}/as/token`);
    expect(seen[0]!.headers.Authorization).toBe(
      `Basic ${Buffer.from('wid:wsecret').toString('base64')}`,
    );
    expect(seen[0]!.headers.Accept).toBe('*/*');
    expect(seen[0]!.body).toBe('grant_type=client_credentials');

    now += 3_500_000; // 58 min 20 s: still more than the 60 s skew left
    expect(await source.get()).toBe('tok-1');
    now += 60_000; // inside the skew: renew
    expect(await source.get()).toBe('tok-2');
    source.invalidate();
    expect(await source.get()).toBe('tok-3');
  });

  it('fails with UNEXPECTED_RESPONSE when the answer has no access_token', async () => {
    const fn = (async () =>
      new Response('{}', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch;
    const source = createWorkerTokenSource({
      location: { environmentId: ENV, region: 'com' },
      worker: { clientId: 'w', clientSecret: 's', environmentId: ENV },
      http: createHttpClient({ fetch: fn }),
    });
    await expect(source.get()).rejects.toMatchObject({
      code: 'UNEXPECTED_RESPONSE',
      step: 'worker token',
    });
  });
});
