import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTraceStore } from '../../src/inspector/trace-store.js';
import { newTrace } from '../../src/inspector/trace.js';
import { connectRedisClient, type RedisClient } from '../../src/store/connect-redis-client.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';

/** Two instances' trace stores, each with its own connection to one real redis-server. */
let redis: RedisTestServer;
const clients: RedisClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  for (let i = 0; i < 2; i++) clients.push(await connectRedisClient(redis.url));
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await redis?.stop();
});

describe('RedisTraceStore', () => {
  it('a trace finished on one instance is found on the other, by transfer and approval id', async () => {
    const [one, other] = clients.map((c) => new RedisTraceStore(c, redis.keyPrefix, 60_000)) as [
      RedisTraceStore,
      RedisTraceStore,
    ];
    const trace = {
      ...newTrace('transfer-1', 'pingone', 'own', new Date('2026-01-01T00:00:00Z')),
      approvalId: 'approval-1',
      outcome: 'approved',
    };
    await one.put(trace);
    expect(await other.get('transfer-1')).toEqual(trace);
    expect(await other.get('approval-1')).toEqual(trace);
    expect(await other.get('transfer-2')).toBeUndefined();
    // Bounded without a sweep: every key expires on its own.
    const ttl = await clients[1]!.pTTL(`${redis.keyPrefix}trace:approval-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
