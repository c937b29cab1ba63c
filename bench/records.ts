import { RESULTS } from './results-dir.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import type { ApprovalRecord } from '../src/approval/approval-store.js';
import { approvalHistoryRoutes } from '../src/approval/history-routes.js';
import { openSqliteDatabase } from '../src/store/open-sqlite-database.js';
import { connectRedisClient } from '../src/store/connect-redis-client.js';
import { createStores, type Stores } from '../src/store/create-stores.js';
import { startRedisServer } from '../test/helpers/redis-server.js';
import { percentiles, round } from './stats.js';

/**
 * Does the approval store's cost grow with its size? The three reads and writes whose cost
 * could grow, measured on an empty store and again after preloading it: the insert that
 * records an approval (POST /approvals/otp), the read of one approval (GET /approvals/result)
 * and the operator's GET /approvals, its first page and one 1,000 pages deep (served over HTTP
 * by the app's own route). SQLite in a fresh DATA_DIR; Redis on a redis-server of its own.
 *
 *   npm run bench:records -- [--records 1000000] [--store sqlite|redis|both] [--ops 2000]
 */

const OPERATOR_TOKEN = randomUUID();
const DAY0 = Date.UTC(2026, 0, 1);

function record(i: number): ApprovalRecord {
  return {
    transferId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    approvalId: randomUUID(),
    amount: `${(i % 9000) + 1}.00`,
    currency: 'EUR',
    payee: `Payee ${i % 997} Ltd`,
    fromAccount: 'DE89 3704 0044 0532 0130 00',
    transferHash: 'x'.repeat(43),
    // One approval a second, from the start of 2026: a million span 11.6 days.
    approvedAt: new Date(DAY0 + i * 1000).toISOString(),
    evidence: { sub: randomUUID(), acr: 'TxApproval_SMS', amr: ['otp'], authTime: 1_767_225_600 },
  };
}

/** Bulk load, in the stores' own layout: row by row through the API would take an hour. */
async function preload(kind: 'sqlite' | 'redis', where: string, from: number, to: number) {
  const batch = 10_000;
  if (kind === 'sqlite') {
    const db = openSqliteDatabase(where);
    db.pragma('synchronous = OFF');
    const insert = db.prepare(
      `INSERT INTO approvals (transfer_id, approval_id, amount, currency, payee, from_account,
         transfer_hash, approved_at, evidence, approved_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const many = db.transaction((rows: ApprovalRecord[]) => {
      for (const r of rows) {
        insert.run(
          r.transferId,
          r.approvalId,
          r.amount,
          r.currency,
          r.payee,
          r.fromAccount,
          r.transferHash,
          r.approvedAt,
          JSON.stringify(r.evidence),
          Date.parse(r.approvedAt),
        );
      }
    });
    for (let i = from; i < to; i += batch) {
      many(Array.from({ length: Math.min(batch, to - i) }, (_, k) => record(i + k)));
    }
    db.close();
    return;
  }
  const client = await connectRedisClient(where, { connectTimeoutMs: 5_000 });
  for (let i = from; i < to; i += batch) {
    const multi = client.multi();
    for (let k = i; k < Math.min(to, i + batch); k++) {
      const r = record(k);
      multi.set(`bench:approval:${r.transferId}`, JSON.stringify(r));
      multi.zAdd('bench:approvals:recent', {
        score: Date.parse(r.approvedAt),
        value: r.transferId,
      });
    }
    await multi.exec();
  }
  await client.quit();
}

interface OpCost {
  /** Milliseconds per operation: wall time at p50 and p99, and this process's CPU. */
  p50: number;
  p99: number;
  cpuMs: number;
}

async function measureOp(ops: number, run: (i: number) => Promise<unknown>): Promise<OpCost> {
  for (let i = 0; i < Math.min(200, ops); i++) await run(i);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < ops; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  const p = percentiles(times);
  return { p50: p.p50, p99: p.p99, cpuMs: round((used.user + used.system) / 1000 / ops, 4) };
}

type Op = 'insert' | 'read' | 'firstPage' | 'deepPage';

/** The ops asked for, against the store as it is; the insert phase's records are read back. */
async function measureStore(stores: Stores, size: number, ops: number, which: Op[]) {
  const app = express();
  app.use(approvalHistoryRoutes(stores.approvals, OPERATOR_TOKEN));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { accept: 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` };
  const inserted: string[] = [];
  let fresh = 10_000_000 + size;
  // 1,000 pages of 20 below the newest of the preloaded records.
  const deep = record(size - 20_001);
  const deepCursor = `${Date.parse(deep.approvedAt)}.${deep.transferId}`;
  const page = async (query: string) => {
    const res = await fetch(`${base}/approvals${query}`, { headers });
    if (res.status !== 200) throw new Error(`GET /approvals${query}: ${res.status}`);
    return res.json();
  };
  const run: Record<Op, (i: number) => Promise<unknown>> = {
    insert: () => {
      const r = record(fresh++);
      inserted.push(r.transferId);
      return stores.approvals.createIfAbsent(r);
    },
    read: (i) => stores.approvals.get(inserted[i % inserted.length]!),
    firstPage: () => page(''),
    deepPage: () => page(`?before=${encodeURIComponent(deepCursor)}`),
  };
  const costs: Partial<Record<Op, OpCost>> = {};
  for (const op of which) costs[op] = await measureOp(ops, run[op]);
  await new Promise((resolve) => server.close(resolve));
  return costs;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string' },
      store: { type: 'string' },
      ops: { type: 'string' },
    },
  });
  const records = Number(values.records ?? 1_000_000);
  const ops = Number(values.ops ?? 2000);
  const kinds = values.store === 'both' || !values.store ? ['sqlite', 'redis'] : [values.store];
  const report: Record<string, unknown> = { records, ops, startedAt: new Date().toISOString() };
  for (const kind of kinds as Array<'sqlite' | 'redis'>) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-records-'));
    const redis = kind === 'redis' ? await startRedisServer() : undefined;
    const options =
      kind === 'sqlite' ? { dataDir } : { redisUrl: redis!.url, redisKeyPrefix: 'bench:' };
    try {
      // Insert, read and the first page on an empty store; the deep page needs 1,000 pages
      // below it, so its yardstick is the least store that has them.
      let stores = await createStores(options);
      process.stderr.write(`${kind}: empty store, measuring\n`);
      const small = await measureStore(stores, 0, ops, ['insert', 'read', 'firstPage']);
      await stores.close();
      await preload(kind, redis?.url ?? dataDir, 0, 21_000);
      stores = await createStores(options);
      Object.assign(small, await measureStore(stores, 21_000, ops, ['deepPage']));
      await stores.close();
      process.stderr.write(`${kind}: loading ${records.toLocaleString('en')} records\n`);
      await preload(kind, redis?.url ?? dataDir, 21_000, records);
      stores = await createStores(options);
      process.stderr.write(`${kind}: ${records.toLocaleString('en')} records, measuring\n`);
      const large = await measureStore(stores, records, ops, [
        'insert',
        'read',
        'firstPage',
        'deepPage',
      ]);
      await stores.close();
      const ops_ = Object.keys(large) as Op[];
      const ratio = Object.fromEntries(
        ops_.map((op) => [op, round(large[op]!.p50 / small[op]!.p50, 2)]),
      );
      report[kind] = { small, large, p50Ratio: ratio };
      console.log(
        `\n${kind}: p50 ms, empty (deep page: 21,000) → ${records.toLocaleString('en')} records`,
      );
      for (const op of ops_) {
        console.log(
          `  ${op.padEnd(10)} ${small[op]!.p50} → ${large[op]!.p50} (×${ratio[op]}), CPU ${small[op]!.cpuMs} → ${large[op]!.cpuMs} ms`,
        );
      }
    } finally {
      await redis?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  writeFileSync(join(RESULTS, 'records-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote ${join(RESULTS, 'records-latest.json')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The records benchmark failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
