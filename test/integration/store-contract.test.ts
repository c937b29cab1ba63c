import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cursorAfter,
  type ApprovalCursor,
  type ApprovalRecord,
} from '../../src/approval/approval-store.js';
import { createStores, type StoreKind, type Stores } from '../../src/store/create-stores.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { sessionData, sessionsOf } from '../helpers/session-store.js';

// The same behaviour from every backend: the app is written against the interfaces, so a store
// that differs (an approval recorded twice, an expired session served) would only show in
// production. One Redis server serves the whole file; each test gets its own key prefix.

function approval(transferId: string, approvedAt: string, payee = 'ACME Ltd'): ApprovalRecord {
  return {
    transferId,
    approvalId: randomUUID(),
    amount: '125.50',
    currency: 'EUR',
    payee,
    fromAccount: 'DE00 1234',
    transferHash: 'c2hhMjU2',
    approvedAt,
    evidence: { sub: 'user-1', acr: 'TxApproval_SMS', amr: ['otp'], authTime: 1_790_000_000 },
  };
}

const kinds: StoreKind[] = ['memory', 'sqlite', 'redis'];

describe.each(kinds)('%s stores', (kind) => {
  let redis: RedisTestServer | undefined;
  let dataDir: string | undefined;
  let stores: Stores;

  beforeAll(async () => {
    if (kind === 'redis') redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  beforeEach(async () => {
    if (kind === 'sqlite') dataDir = mkdtempSync(join(tmpdir(), 'store-contract-'));
    stores = await createStores({
      ...(dataDir && { dataDir }),
      ...(redis && {
        redisUrl: redis.url,
        redisKeyPrefix: `${redis.keyPrefix}${randomUUID().slice(0, 8)}:`,
      }),
    });
  });
  afterEach(async () => {
    await stores.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports its kind and a healthy backend', async () => {
    expect(stores.kind).toBe(kind);
    await expect(stores.approvals.health()).resolves.toMatchObject({ ok: true, kind });
  });

  describe('sessionStore', () => {
    it('returns what was set, and nothing for an unknown id', async () => {
      const sessions = sessionsOf(stores);
      await sessions.set('sid-1', sessionData({ flow: { id: 'flow-1', attempts: 2 } }));
      const got = await sessions.get('sid-1');
      expect(got).toMatchObject({ flow: { id: 'flow-1', attempts: 2 } });
      expect(got?.cookie).toBeDefined();
      expect(await sessions.get('sid-unknown')).toBeFalsy();
    });

    it('replaces a session on a second set', async () => {
      const sessions = sessionsOf(stores);
      await sessions.set('sid-1', sessionData({ flow: { id: 'flow-1' } }));
      await sessions.set('sid-1', sessionData({ flow: { id: 'flow-2' } }));
      expect(await sessions.get('sid-1')).toMatchObject({ flow: { id: 'flow-2' } });
      expect(await sessions.length()).toBe(1);
    });

    it('forgets a destroyed session', async () => {
      const sessions = sessionsOf(stores);
      await sessions.set('sid-1', sessionData({ flow: { id: 'flow-1' } }));
      await sessions.destroy('sid-1');
      expect(await sessions.get('sid-1')).toBeFalsy();
      await expect(sessions.destroy('sid-1')).resolves.toBeFalsy();
    });

    it('never serves a session whose cookie has expired', async () => {
      const sessions = sessionsOf(stores);
      await sessions.set(
        'sid-old',
        sessionData({ flow: { id: 'x' } }, new Date(Date.now() - 1000)),
      );
      expect(await sessions.get('sid-old')).toBeFalsy();
    });

    it('counts, lists and clears the live sessions', async () => {
      const sessions = sessionsOf(stores);
      const later = new Date(Date.now() + 60_000);
      await sessions.set('sid-a', sessionData({ n: 1 }, later));
      await sessions.set('sid-b', sessionData({ n: 2 }, later));
      expect(await sessions.length()).toBe(2);
      const all = await sessions.all();
      const list = Array.isArray(all) ? all : Object.values(all as Record<string, unknown>);
      expect(list.map((s) => (s as { n: number }).n).sort()).toEqual([1, 2]);
      await sessions.clear();
      expect(await sessions.length()).toBe(0);
      expect(await sessions.get('sid-a')).toBeFalsy();
    });
  });

  describe('approvals', () => {
    it('records a transfer once; a second record for it changes nothing', async () => {
      const first = approval('tr-1', '2026-11-28T10:00:00.000Z');
      expect(await stores.approvals.createIfAbsent(first)).toBe(true);
      const duplicate = { ...approval('tr-1', '2026-11-28T11:00:00.000Z', 'Mallory') };
      expect(await stores.approvals.createIfAbsent(duplicate)).toBe(false);
      expect(await stores.approvals.get('tr-1')).toEqual(first);
      expect(await stores.approvals.listRecent(10)).toEqual([first]);
    });

    it('lets exactly one of 50 concurrent records for one transfer win', async () => {
      const attempts = Array.from({ length: 50 }, (_, i) =>
        stores.approvals.createIfAbsent(
          approval('tr-race', `2026-11-28T10:00:${String(i).padStart(2, '0')}.000Z`),
        ),
      );
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await stores.approvals.listRecent(100)).toHaveLength(1);
    });

    it('returns undefined for a transfer never approved', async () => {
      expect(await stores.approvals.get('tr-none')).toBeUndefined();
    });

    it('lists the most recent approvals first, up to the limit', async () => {
      const times = [
        '2026-11-28T09:00:00.000Z',
        '2026-11-28T12:00:00.000Z',
        '2026-11-28T10:30:00.000Z',
      ];
      for (const [i, at] of times.entries()) {
        await stores.approvals.createIfAbsent(approval(`tr-${i}`, at));
      }
      const recent = await stores.approvals.listRecent(2);
      expect(recent.map((r) => r.transferId)).toEqual(['tr-1', 'tr-2']);
      expect((await stores.approvals.listRecent(10)).map((r) => r.transferId)).toEqual([
        'tr-1',
        'tr-2',
        'tr-0',
      ]);
      expect(await stores.approvals.listRecent(0)).toEqual([]);
    });

    it('pages through every approval by cursor, ties in the same millisecond included', async () => {
      // 25 approvals, five of them in one millisecond: no page repeats or skips one.
      const all = Array.from({ length: 25 }, (_, i) =>
        approval(
          `t-${String(i).padStart(2, '0')}`,
          new Date(Date.UTC(2026, 10, 29, 12, 0, 0, i < 5 ? 0 : i)).toISOString(),
        ),
      );
      for (const r of all) await stores.approvals.createIfAbsent(r);
      const seen: string[] = [];
      let before: ApprovalCursor | undefined;
      for (;;) {
        const page = await stores.approvals.listRecent(4, before);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        seen.push(...page.map((r) => r.transferId));
        before = cursorAfter(page.at(-1)!);
      }
      const newestFirst = [...all]
        .sort(
          (x, y) =>
            y.approvedAt.localeCompare(x.approvedAt) || y.transferId.localeCompare(x.transferId),
        )
        .map((r) => r.transferId);
      expect(seen).toEqual(newestFirst);
    });

    it('keeps the evidence as recorded, optional claims included or absent', async () => {
      const minimal: ApprovalRecord = {
        ...approval('tr-min', '2026-11-28T10:00:00.000Z'),
        evidence: { sub: 'user-2' },
      };
      await stores.approvals.createIfAbsent(minimal);
      expect(await stores.approvals.get('tr-min')).toEqual(minimal);
    });

    it('keeps the ID token evidence: iss, aud (one or several), and jti or the token hash', async () => {
      const iss = 'https://auth.pingone.eu/env-1/as';
      const withJti: ApprovalRecord = {
        ...approval('tr-jti', '2026-11-28T10:00:01.000Z'),
        evidence: { sub: 'user-3', iss, aud: ['client-1', 'api'], jti: 'id-token-42', sid: 's-3' },
      };
      const hashed: ApprovalRecord = {
        ...approval('tr-hash', '2026-11-28T10:00:02.000Z'),
        evidence: {
          sub: 'user-3',
          iss,
          aud: 'client-1',
          idTokenSha256: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
        },
      };
      for (const record of [withJti, hashed]) await stores.approvals.createIfAbsent(record);
      expect(await stores.approvals.get('tr-jti')).toEqual(withJti);
      expect(await stores.approvals.get('tr-hash')).toEqual(hashed);
      expect(await stores.approvals.listRecent(2)).toEqual([hashed, withJti]);
    });
  });
});
