import session from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryApprovalStore } from '../../src/approval/approval-store.js';
import { createApp } from '../../src/app.js';
import { createInspector } from '../../src/inspector/inspector.js';
import { RedisTraceStore } from '../../src/inspector/trace-store.js';
import { newTrace } from '../../src/inspector/trace.js';
import { connectRedisClient, type RedisClient } from '../../src/store/connect-redis-client.js';
import { createLogger } from '../../src/log.js';
import { latestOtp, startTestApp, submitCode, submitTransfer } from '../helpers/app.js';
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

describe('the result page on another instance', () => {
  it('shows the timeline from the shared store when the session has no copy of the trace', async () => {
    const traces = new RedisTraceStore(clients[0]!, redis.keyPrefix);
    const sessions = new session.MemoryStore();
    const approvals = new MemoryApprovalStore();
    const t = await startTestApp({
      deps: { sessionStore: sessions, approvals },
      inspector: { store: traces },
    });
    try {
      const agent = request.agent(t.app);
      const started = await submitTransfer(agent);
      expect(started.status).toBe(303);
      const decided = await submitCode(agent, latestOtp(t.emulator));
      expect(decided.headers.location).toBe('/approvals/result');
      // The session id is rotated when the approval is decided: the browser's cookie is that one.
      const cookie = String(decided.headers['set-cookie']).split(';')[0]!;
      // The session's copy is lost (a cut or failed write): only the shared store has the trace.
      const all = await new Promise<Record<string, session.SessionData>>((resolve, reject) =>
        sessions.all((error, list) => (error ? reject(error) : resolve(list as never))),
      );
      expect(Object.keys(all)).toHaveLength(1);
      const [sid, data] = Object.entries(all)[0]!;
      expect(data.trace?.steps.length).toBeGreaterThan(0);
      delete data.trace;
      await new Promise<void>((resolve, reject) =>
        sessions.set(sid, data, (error) => (error ? reject(error) : resolve())),
      );
      // Another instance: same settings, sessions and approvals, its own connection to Redis.
      const inspector = createInspector({
        mode: t.config.mode,
        ui: t.config.approvalUi,
        approvals,
        store: new RedisTraceStore(clients[1]!, redis.keyPrefix),
      });
      const other = createApp({
        config: t.config,
        approvals,
        sessionStore: sessions,
        extensions: [inspector],
        logger: createLogger({ level: 'silent' }),
      });
      const page = await request(other).get('/approvals/result').set('Cookie', cookie);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Transfer approved');
      expect(page.text).toContain('Inspector: what travelled');
    } finally {
      await t.close();
    }
  }, 60_000);
});
