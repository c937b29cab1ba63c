import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otpFromOutbox, uniqueTransfer } from '../../scripts/soak/approve.js';
import { freePort } from '../../scripts/free-port.js';
import { startAppProcess } from '../../scripts/soak/app-process.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';

/**
 * kill -9 during the token exchange (issue 13, defect 8): PingOne accepted the code, the app died
 * before it recorded the approval. After the restart the person is told what happened and gets
 * the same transfer back, one click from approving it again.
 */
let pingone: ProvisionedEmulator;
let dataDir: string;
beforeAll(async () => {
  pingone = await startProvisionedEmulator();
  dataDir = mkdtempSync(join(tmpdir(), 'txa-interrupted-'));
});
afterAll(async () => {
  await pingone?.emulator.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const OPERATOR = 'operator-token-for-tests-0123456789abcdef';
const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));

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

describe('kill -9 while the token is being exchanged', () => {
  it('the restart says PingOne accepted the code, nothing was approved, and offers the same transfer again', async () => {
    const env = {
      ...pingone.env,
      DATA_DIR: dataDir,
      PINGONE_TIMEOUT_MS: '2000',
      OPERATOR_TOKEN: OPERATOR,
    };
    const port = await freePort();
    let app = await startAppProcess(env, { port });
    try {
      const browser = new Browser(app.url);
      const transfer = uniqueTransfer(1);
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
    }
  }, 120_000);
});
