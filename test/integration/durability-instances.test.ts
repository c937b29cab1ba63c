import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalStore } from '../../src/approval/approval-store.js';
import { createStores } from '../../src/store/create-stores.js';
import {
  approveTransfer,
  otpFromOutbox,
  uniqueTransfer,
  type ApprovalRun,
} from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { redisInstancesForFile } from '../helpers/redis-instances.js';
import { listenApp, type ListeningApp } from '../helpers/durable-app.js';

/**
 * Several instances behind a load balancer: two in-process apps, each with its own Redis
 * connection and the same SESSION_SECRET, over one emulator. A browser may land on either for
 * any request; a real redis-server (started by the helper on a free loopback port) holds
 * sessions and approvals.
 */
const { pingone, stores, apps } = await redisInstancesForFile(2);
const [a, b] = apps as [ListeningApp, ListeningApp];
const approvalsA = stores[0]!.approvals;
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'txa-instances-'));
});

afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));
const PAYEE = /Payee [a-z]{8} [\d,]+ Ltd/g;

/** Every client saw its own transfer approved, and the store holds exactly those, once each. */
async function expectOwnApprovals(runs: ApprovalRun[], store: ApprovalStore, before: number) {
  for (const run of runs) {
    expect(run.result.status).toBe(200);
    expect(run.result.text).toContain('Transfer approved');
    expect(run.result.text).toContain(`${run.transfer.amount} EUR`);
    // Its own payee and nobody else's.
    expect([...new Set(run.result.text.match(PAYEE))]).toEqual([run.transfer.payee]);
  }
  const records = await store.listRecent(1000);
  expect(records).toHaveLength(before + runs.length);
  const mine = records.filter((r) => runs.some((run) => run.transfer.payee === r.payee));
  expect(mine).toHaveLength(runs.length);
  expect(new Set(mine.map((r) => r.transferId)).size).toBe(runs.length);
  expect(new Set(mine.map((r) => r.approvalId)).size).toBe(runs.length);
  for (const run of runs) {
    const record = mine.find((r) => r.payee === run.transfer.payee)!;
    expect(record.amount).toBe(run.transfer.amount);
    // The approval id on the client's own result page is the one the store holds.
    expect(run.result.text).toContain(record.approvalId);
  }
}

describe('two instances sharing Redis', () => {
  it('authorize on one, submit the code on the other, the result on either', async () => {
    const before = (await approvalsA.listRecent(1000)).length;
    const browser = new Browser(a.url);
    const transfer = uniqueTransfer(0);
    const form = await browser.get('/');
    const started = await browser.post('/approvals', { ...transfer, _csrf: csrfOf(form.text) });
    expect(started.location).toBe('/approvals/otp');

    browser.baseUrl = b.url;
    const codePage = await browser.get('/approvals/otp');
    expect(codePage.status).toBe(200);
    expect(codePage.text).toContain(transfer.payee);
    const submitted = await browser.post('/approvals/otp', {
      otp: await otpFor(transfer),
      _csrf: csrfOf(codePage.text),
    });
    expect(submitted.location).toBe('/approvals/result');

    for (const url of [a.url, b.url]) {
      browser.baseUrl = url;
      const result = await browser.get('/approvals/result');
      expect(result.text).toContain('Transfer approved');
      expect(result.text).toContain(transfer.payee);
      // The browser's own approvals, on either instance.
      const history = await browser.get('/approvals', { accept: 'application/json' });
      const body = JSON.parse(history.text) as {
        approvals: Array<{ payee: string; acr: string }>;
      };
      expect(body.approvals[0]).toMatchObject({
        payee: transfer.payee,
        acr: pingone.settings.policyName,
      });
    }
    expect(await approvalsA.listRecent(1000)).toHaveLength(before + 1);

    // A replay of the same code on the first instance finds the flow consumed.
    browser.baseUrl = a.url;
    const replay = await browser.post('/approvals/otp', {
      otp: await otpFor(transfer),
      _csrf: csrfOf(codePage.text),
    });
    expect(replay.location).toBe('/approvals/result');
    expect(await approvalsA.listRecent(1000)).toHaveLength(before + 1);
  });

  it('50 approvals at once, each hopping between the instances: every one approved once, its own', async () => {
    const before = (await approvalsA.listRecent(1000)).length;
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const [first, second] = i % 2 ? [b, a] : [a, b];
        const route = { start: first.url, code: second.url, result: first.url };
        return approveTransfer(new Browser(first.url), uniqueTransfer(100 + i), otpFor, route);
      }),
    );
    await expectOwnApprovals(runs, approvalsA, before);
    // The other instance's connection sees the same records.
    expect(await stores[1]!.approvals.listRecent(1000)).toHaveLength(before + 50);
  }, 90_000);
});

describe('one instance', () => {
  it('50 approvals at once through one instance (SQLite): every one approved once, its own', async () => {
    const sqlite = await createStores({ dataDir });
    const app = await listenApp(pingone.env, sqlite);
    try {
      const runs = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          approveTransfer(new Browser(app.url), uniqueTransfer(200 + i), otpFor),
        ),
      );
      await expectOwnApprovals(runs, sqlite.approvals, 0);
    } finally {
      await app.close();
      await sqlite.close();
    }
  }, 90_000);
});
