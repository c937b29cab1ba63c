import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveTransfer, otpFromOutbox, uniqueTransfer } from '../../scripts/soak/approve.js';
import { freePort } from '../../scripts/free-port.js';
import { startAppProcess, spawnApp } from '../../scripts/soak/app-process.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';

/**
 * The app as its own process (`node --import tsx src/server.ts`) in PingOne mode, pointed at an
 * emulator that lives in the test process: killing the app (SIGKILL, no shutdown code) loses
 * nothing that the SQLite file in DATA_DIR holds, and PingOne's flow lives on at the emulator.
 */
const pingone = await pingoneForFile();
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'txa-restart-'));
});
afterAll(async () => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));
const OPERATOR = 'operator-token-for-tests-0123456789abcdef';

/** The approve form's values as the page renders them (what one click sends). */
function formValues(html: string): Record<string, string> {
  const value = (name: string) =>
    new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1] ??
    new RegExp(`value="([^"]*)"[^>]*name="${name}"`).exec(html)?.[1];
  const currency = /<option value="([A-Z]{3})" selected>/.exec(html)?.[1];
  return {
    amount: value('amount') ?? '',
    payee: value('payee') ?? '',
    currency: currency ?? '',
    _csrf: csrfOf(html),
  };
}

describe('restart with the SQLite store (DATA_DIR)', () => {
  it('SIGKILL between the code page and the code: the restarted app completes the same flow', async () => {
    const env = { ...pingone.env, DATA_DIR: dataDir, OPERATOR_TOKEN: OPERATOR };
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
        headers: { accept: 'application/json', authorization: `Bearer ${OPERATOR}` },
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
    const app = await startAppProcess({
      ...pingone.env,
      DATA_DIR: dataDir,
      OPERATOR_TOKEN: OPERATOR,
    });
    try {
      const run = await approveTransfer(new Browser(app.url), uniqueTransfer(2), otpFor);
      expect(run.result.text).toContain('Transfer approved');
      const res = await fetch(`${app.url}/approvals`, {
        headers: { accept: 'application/json', authorization: `Bearer ${OPERATOR}` },
      });
      expect(((await res.json()) as { approvals: unknown[] }).approvals).toHaveLength(2);
    } finally {
      await app.kill();
    }
  }, 60_000);
});

describe('kill -9 while the token is being exchanged (issue 13, defect 8)', () => {
  it('the restart says PingOne accepted the code, nothing was approved, and offers the same transfer again', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'txa-interrupted-'));
    const env = {
      ...pingone.env,
      DATA_DIR: ownDir,
      PINGONE_TIMEOUT_MS: '2000',
      OPERATOR_TOKEN: OPERATOR,
    };
    const port = await freePort();
    let app = await startAppProcess(env, { port });
    try {
      const browser = new Browser(app.url);
      const transfer = uniqueTransfer(3);
      const form = await browser.get('/');
      await browser.post('/approvals', { ...transfer, _csrf: csrfOf(form.text) });
      const codePage = await browser.get('/approvals/otp');
      const envId = pingone.emulator.environmentId;
      // The token call never answers in time; the app is killed while it waits for it.
      pingone.emulator.handle.clearRequests();
      pingone.emulator.handle.addFault({
        method: 'POST',
        path: `/${envId}/as/token`,
        latencyMs: 60_000,
      });
      const waiting = browser
        .post('/approvals/otp', { otp: await otpFor(transfer), _csrf: csrfOf(codePage.text) })
        .catch(() => undefined);
      for (let i = 0; i < 200; i++) {
        if (pingone.emulator.handle.requests().some((r) => r.path === `/${envId}/as/token`)) break;
        await sleep(50);
      }
      expect(pingone.emulator.handle.requests().map((r) => r.path)).toContain(`/${envId}/as/token`);
      await app.kill();
      await waiting;
      pingone.emulator.handle.clearFaults();
      app = await startAppProcess(env, { port });

      const result = await browser.get('/approvals/result');
      expect(result.status).toBe(303);
      expect(result.location).toBe('/?notice=interrupted-accepted');
      const offered = await browser.get(result.location!);
      expect(offered.text).toContain('PingOne accepted your code');
      expect(offered.text).toContain('this transfer was not approved');
      const values = formValues(offered.text);
      expect(values).toMatchObject({
        amount: transfer.amount,
        currency: 'EUR',
        payee: transfer.payee,
      });

      // One click: the prefilled form as it is.
      const again = await browser.post('/approvals', values);
      expect(again.location).toBe('/approvals/otp');
      const code = await browser.get('/approvals/otp');
      const done = await browser.post('/approvals/otp', {
        otp: await otpFor(transfer),
        _csrf: csrfOf(code.text),
      });
      expect(done.location).toBe('/approvals/result');
      expect((await browser.get('/approvals/result')).text).toContain('Transfer approved');
      const history = await fetch(`${app.url}/approvals`, {
        headers: { accept: 'application/json', authorization: `Bearer ${OPERATOR}` },
      });
      const body = (await history.json()) as { approvals: Array<{ payee: string }> };
      expect(body.approvals.filter((a) => a.payee === transfer.payee)).toHaveLength(1);
    } finally {
      await app.kill();
      rmSync(ownDir, { recursive: true, force: true });
    }
  }, 120_000);
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
