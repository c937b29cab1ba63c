import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../src/approval/approval-store.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import { StoreUnavailableError } from '../../src/store/store-unavailable-error.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { closeSessionApps, startSessionApp } from '../helpers/session-app.js';
import { sessionData, sessionsOf } from '../helpers/session-store.js';

function approval(transferId: string, approvedAt = '2026-11-28T10:00:00.000Z'): ApprovalRecord {
  return {
    transferId,
    approvalId: randomUUID(),
    amount: '10.00',
    currency: 'GBP',
    payee: 'Initech',
    fromAccount: 'GB00 77',
    transferHash: 'aGFzaA',
    approvedAt,
    evidence: { sub: 'user-1', acr: 'TxApproval_SMS', amr: ['otp'], authTime: 1_790_000_000 },
  };
}

/** Listens on a loopback port and accepts connections without ever answering. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => sockets.add(socket));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = await silentServer();
  await probe.close();
  return probe.port;
}

describe('Redis stores', () => {
  let redis: RedisTestServer;
  let inspector: ReturnType<typeof createClient>;
  const open: Stores[] = [];

  async function openStores(prefix = redis.keyPrefix, extra: { sessionTtlMs?: number } = {}) {
    const stores = await createStores({ redisUrl: redis.url, redisKeyPrefix: prefix, ...extra });
    open.push(stores);
    return stores;
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    inspector = createClient({ url: redis.url });
    await inspector.connect();
  });
  afterEach(async () => {
    for (const stores of open.splice(0)) await stores.close();
  });
  afterAll(async () => {
    await inspector?.close();
    await redis?.stop();
  });

  it('is chosen by redisUrl, answers health with PING, and closes once', async () => {
    const stores = await openStores();
    expect(stores.kind).toBe('redis');
    await expect(stores.approvals.health()).resolves.toEqual({ ok: true, kind: 'redis' });
    await stores.close();
    await stores.close();
    await expect(stores.approvals.health()).resolves.toEqual({
      ok: false,
      kind: 'redis',
      detail: 'connection closed',
    });
  });

  describe('sessions', () => {
    it('are stored under the key prefix with a TTL from the cookie expiry', async () => {
      const prefix = `${redis.keyPrefix}ttl1:`;
      const sessions = sessionsOf(await openStores(prefix));
      await sessions.set('sid-1', sessionData({ flow: 'f' }, new Date(Date.now() + 60_000)));
      const ttl = await inspector.pTTL(`${prefix}sess:sid-1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(61_000);
      expect(await sessions.get('sid-1')).toMatchObject({ flow: 'f' });
    });

    it('get sessionTtlMs as TTL when the cookie has no expiry', async () => {
      const prefix = `${redis.keyPrefix}ttl2:`;
      const sessions = sessionsOf(await openStores(prefix, { sessionTtlMs: 7_200_000 }));
      await sessions.set('sid-1', sessionData({ flow: 'f' }));
      const ttl = await inspector.pTTL(`${prefix}sess:sid-1`);
      expect(ttl).toBeGreaterThan(3_600_000);
      expect(ttl).toBeLessThanOrEqual(7_200_000);
    });

    it('by default get their TTL from the session: idle timeout, decided, absolute lifetime', async () => {
      const prefix = `${redis.keyPrefix}ttl3:`;
      const sessions = sessionsOf(await openStores(prefix));
      const ttl = (sid: string) => inspector.pTTL(`${prefix}sess:${sid}`);
      await sessions.set('active', sessionData({ flow: 'f' }));
      await sessions.set('decided', sessionData({ result: 'r', idleTimeoutMs: 300_000 }));
      await sessions.set('old', sessionData({ flow: 'f', createdAt: Date.now() - 7_140_000 }));
      await sessions.set('too-old', sessionData({ flow: 'f', createdAt: Date.now() - 7_200_000 }));
      expect(await ttl('active')).toBeGreaterThan(1_790_000);
      expect(await ttl('active')).toBeLessThanOrEqual(1_800_000);
      expect(await ttl('decided')).toBeGreaterThan(290_000);
      expect(await ttl('decided')).toBeLessThanOrEqual(300_000);
      // A minute of its absolute lifetime left; the other none, so it is not stored at all.
      expect(await ttl('old')).toBeGreaterThan(50_000);
      expect(await ttl('old')).toBeLessThanOrEqual(61_000);
      expect(await inspector.exists(`${prefix}sess:too-old`)).toBe(0);
      // A touch rolls the idle timeout, within the absolute lifetime.
      await sessions.touch('decided', sessionData({ result: 'r' }));
      expect(await ttl('decided')).toBeGreaterThan(1_790_000);
    });

    it('live longer after a touch', async () => {
      const prefix = `${redis.keyPrefix}touch:`;
      const sessions = sessionsOf(await openStores(prefix));
      await sessions.set('sid-1', sessionData({ flow: 'f' }, new Date(Date.now() + 60_000)));
      await sessions.touch('sid-1', sessionData({ flow: 'f' }, new Date(Date.now() + 3_600_000)));
      expect(await inspector.pTTL(`${prefix}sess:sid-1`)).toBeGreaterThan(60_000);
    });

    it('are dropped by Redis when they expire (the key is gone)', async () => {
      const prefix = `${redis.keyPrefix}expire:`;
      const sessions = sessionsOf(await openStores(prefix));
      await sessions.set('sid-1', sessionData({ flow: 'f' }, new Date(Date.now() + 60_000)));
      // Stand-in for the time passing: expire the key as Redis would at its TTL.
      await inspector.pExpire(`${prefix}sess:sid-1`, 1);
      await expect.poll(() => sessions.get('sid-1'), { timeout: 2_000 }).toBeFalsy();
      expect(await inspector.exists(`${prefix}sess:sid-1`)).toBe(0);
    });
  });

  describe('two instances on one server', () => {
    it("see each other's sessions and approvals", async () => {
      const prefix = `${redis.keyPrefix}${randomUUID().slice(0, 8)}:`;
      const a = await openStores(prefix);
      const b = await openStores(prefix);
      await sessionsOf(a).set('sid-shared', sessionData({ flow: { id: 'flow-7' } }));
      expect(await sessionsOf(b).get('sid-shared')).toMatchObject({ flow: { id: 'flow-7' } });

      const record = approval('tr-shared');
      expect(await b.approvals.createIfAbsent(record)).toBe(true);
      expect(await a.approvals.get('tr-shared')).toEqual(record);
      expect(await a.approvals.createIfAbsent(approval('tr-shared'))).toBe(false);
      expect(await a.approvals.listRecent(5)).toEqual([record]);
    });

    it('record a transfer once when they race for it, with one index entry', async () => {
      const prefix = `${redis.keyPrefix}${randomUUID().slice(0, 8)}:`;
      const a = await openStores(prefix);
      const b = await openStores(prefix);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? a : b).approvals.createIfAbsent(
            approval('tr-race', `2026-11-28T10:00:${String(i).padStart(2, '0')}.000Z`),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await inspector.zCard(`${prefix}approvals:recent`)).toBe(1);
      const winner = await a.approvals.get('tr-race');
      expect(await inspector.zScore(`${prefix}approvals:recent`, 'tr-race')).toBe(
        Date.parse(winner!.approvedAt),
      );
    });
  });

  describe('when Redis cannot be used at startup', () => {
    it('fails with STORE_UNAVAILABLE naming REDIS_URL without its password (nothing listening)', async () => {
      const url = `redis://:hunter2-secret@127.0.0.1:${await closedPort()}`;
      const error = await createStores({ redisUrl: url }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', kind: 'redis' });
      const message = (error as Error).message;
      expect(message).toContain('REDIS_URL=redis://:***@127.0.0.1:');
      expect(message).toMatch(/ECONNREFUSED/);
      expect(message).not.toContain('hunter2');
    });

    it('fails with STORE_UNAVAILABLE when the server accepts but never answers', async () => {
      const silent = await silentServer();
      try {
        const error = await createStores({
          redisUrl: `redis://127.0.0.1:${silent.port}`,
          redisConnectTimeoutMs: 300,
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(
          /REDIS_URL=redis:\/\/127\.0\.0\.1:\d+.*no answer within 300 ms/,
        );
      } finally {
        await silent.close();
      }
    });

    it('fails with STORE_UNAVAILABLE on a wrong password, without showing it', async () => {
      const guarded = await startRedisServer({ password: 'right-password' });
      try {
        const wrong = guarded.url.replace('right-password', 'wrong-password');
        const error = await createStores({ redisUrl: wrong }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        const message = (error as Error).message;
        expect(message).toMatch(/WRONGPASS|invalid username-password/i);
        expect(message).not.toContain('wrong-password');
        expect(message).not.toContain('right-password');
      } finally {
        await guarded.stop();
      }
    });
  });

  it('reports not ok while the server is down and ok again after it is back, logging no password', async () => {
    const password = 'pa55-word-xyz';
    let server = await startRedisServer({ own: true, password });
    const port = Number(new URL(server.url).port);
    const logged: unknown[] = [];
    const logger = {
      warn: (...a: unknown[]) => logged.push(a),
      info: (...a: unknown[]) => logged.push(a),
    };
    const stores = await createStores({ redisUrl: server.url, logger });
    open.push(stores);
    try {
      await expect(stores.approvals.health()).resolves.toEqual({ ok: true, kind: 'redis' });

      await server.stop();
      await expect
        .poll(() => stores.approvals.health(), { timeout: 5_000 })
        .toMatchObject({ ok: false, kind: 'redis' });
      await expect(stores.approvals.get('tr-any')).rejects.toThrow();

      server = await startRedisServer({ own: true, password, port });
      await expect
        .poll(() => stores.approvals.health(), { timeout: 10_000, interval: 100 })
        .toEqual({
          ok: true,
          kind: 'redis',
        });
      expect(await stores.approvals.createIfAbsent(approval('tr-after'))).toBe(true);

      const text = JSON.stringify(logged);
      expect(text).toMatch(/connection lost/);
      expect(text).toMatch(/restored/);
      expect(text).not.toContain(password);
    } finally {
      await server.stop();
    }
  });

  describe('with express-session', () => {
    afterEach(closeSessionApps);

    it('reads in the next request what one request stored, also from a second app on the server', async () => {
      const prefix = `${redis.keyPrefix}${randomUUID().slice(0, 8)}:`;
      const one = await startSessionApp((await openStores(prefix)).sessionStore);
      const two = await startSessionApp((await openStores(prefix)).sessionStore);

      const started = await request(one).post('/flow?id=flow-42').expect(204);
      const cookie = started.headers['set-cookie']![0]!.split(';')[0]!;

      await request(one).get('/flow').set('Cookie', cookie).expect(200, { flowId: 'flow-42' });
      await request(two).get('/flow').set('Cookie', cookie).expect(200, { flowId: 'flow-42' });
      await request(two).get('/flow').expect(200, { flowId: null });
    });
  });
});
