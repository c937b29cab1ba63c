import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveTransfer, otpFromOutbox, uniqueTransfer } from '../../scripts/soak/approve.js';
import { freePort } from '../../scripts/free-port.js';
import { startAppProcess, spawnApp } from '../../scripts/soak/app-process.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';

/**
 * The app as its own process (`node --import tsx src/server.ts`) in PingOne mode, pointed at an
 * emulator that lives in the test process: killing the app (SIGKILL, no shutdown code) loses
 * nothing that the SQLite file in DATA_DIR holds, and PingOne's flow lives on at the emulator.
 */
let pingone: ProvisionedEmulator;
let dataDir: string;
beforeAll(async () => {
  pingone = await startProvisionedEmulator();
  dataDir = mkdtempSync(join(tmpdir(), 'txa-restart-'));
});
afterAll(async () => {
  await pingone?.emulator.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));

describe('restart with the SQLite store (DATA_DIR)', () => {
  it('SIGKILL between the code page and the code: the restarted app completes the same flow', async () => {
    const env = { ...pingone.env, DATA_DIR: dataDir };
    const port = await freePort();
    let app = await startAppProcess(env, { port });
    try {
      const browser = new Browser(app.url);
      const transfer = uniqueTransfer(1);
      const form = await browser.get('/');
      const started = await browser.post('/approvals', { ...transfer, _csrf: csrfOf(form.text) });
      expect(started.status).toBe(303);
      expect(started.location).toBe('/approvals/otp');
      const codePage = await browser.get('/approvals/otp');
      expect(codePage.status).toBe(200);
      expect(codePage.text).toContain(transfer.payee);

      await app.kill();
      app = await startAppProcess(env, { port });

      // The session (flow id, PingOne cookies, PKCE verifier, transfer) came back from the file.
      const again = await browser.get('/approvals/otp');
      expect(again.status).toBe(200);
      expect(again.text).toContain(transfer.payee);
      const submitted = await browser.post('/approvals/otp', {
        otp: await otpFor(transfer),
        _csrf: csrfOf(again.text),
      });
      expect(submitted.status).toBe(303);
      expect(submitted.location).toBe('/approvals/result');
      const result = await browser.get('/approvals/result');
      expect(result.text).toContain('Transfer approved');
      expect(result.text).toContain(transfer.payee);
      expect(result.text).toContain(`${transfer.amount} EUR`);

      // And the approval itself outlives one more crash.
      await app.kill();
      app = await startAppProcess(env, { port });
      const history = await fetch(`${app.url}/approvals`, {
        headers: { accept: 'application/json' },
      });
      const body = (await history.json()) as { approvals: Array<{ payee: string }> };
      expect(body.approvals.map((a) => a.payee)).toEqual([transfer.payee]);
      const health = (await (await fetch(`${app.url}/healthz`)).json()) as {
        store: { kind: string; ok: boolean };
      };
      expect(health.store).toEqual({ ok: true, kind: 'sqlite' });
    } finally {
      await app.kill();
    }
  }, 120_000);

  it('a second approval after the restart goes through as usual', async () => {
    const app = await startAppProcess({ ...pingone.env, DATA_DIR: dataDir });
    try {
      const run = await approveTransfer(new Browser(app.url), uniqueTransfer(2), otpFor);
      expect(run.result.text).toContain('Transfer approved');
      const res = await fetch(`${app.url}/approvals`, { headers: { accept: 'application/json' } });
      expect(((await res.json()) as { approvals: unknown[] }).approvals).toHaveLength(2);
    } finally {
      await app.kill();
    }
  }, 60_000);
});

describe('startup with an unreachable REDIS_URL', () => {
  it('exits 1 with one clear line: no stack trace, no password', async () => {
    const port = await freePort();
    const { output, exited } = spawnApp({
      HOST: '127.0.0.1',
      PORT: '0',
      EMULATOR_PORT: '0',
      LOG_LEVEL: 'warn',
      REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}`,
    });
    expect(await exited).toBe(1);
    const text = output();
    expect(text).toContain('The app could not start (STORE_UNAVAILABLE)');
    expect(text).toContain(`REDIS_URL=redis://:***@127.0.0.1:${port}`);
    expect(text).toContain('unset REDIS_URL');
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toMatch(/^\s+at /m);
  }, 60_000);
});
