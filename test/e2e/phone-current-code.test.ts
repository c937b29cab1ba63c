import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_SHOTS,
  SHOTS,
  launchBrowser,
  removeBrowserProfiles,
  watchPage,
} from '../helpers/browser.js';
import { emulatorForFile } from '../helpers/emulator.js';
import { approve, authorize, flowCall, lastOtp, requestJwt, VARIANT } from '../emulator/fixture.js';
import { auditPage, newAuditLog } from './a11y-audit.js';

/**
 * Issue 25, in Debian's Chromium: the simulated phone moves its "Current code" marker when a
 * newer code arrives, without a reload, and says how long ago each came, kept fresh. Its picture
 * goes to test-results/screenshots/phone.png, and with UPDATE_SCREENSHOTS=1 to docs/screenshots/.
 */
const MINUTE = 60_000;

const { em, p } = await emulatorForFile();

beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(removeBrowserProfiles);

function transfer(sum: string, recipient: string) {
  return requestJwt(em, p, {
    template: {
      name: 'transaction',
      variant: VARIANT,
      variables: { sum, currency: 'EUR', recipient },
    },
  });
}

describe('the simulated phone (GET /__emulator/phone) in a browser', () => {
  it('moves "Current code" to a newer code without reloading, and keeps "how long ago" fresh', async () => {
    // An approved transfer four minutes ago, then one still waiting for its code a minute ago.
    await approve(em, p);
    em.handle.advanceTime(3 * MINUTE);
    await authorize(em, p, { jwt: await transfer('1,200.00', 'Carol Jones') });
    em.handle.advanceTime(MINUTE);

    const context = await launchBrowser({ width: 390, height: 844 });
    try {
      await context.clock.install();
      const phone = await context.newPage();
      const problems = watchPage(phone);
      await phone.goto(`${em.url}/__emulator/phone`);
      let navigations = 0;
      phone.on('framenavigated', () => navigations++);
      const sms = phone.locator('.sms');
      const statuses = () => sms.locator('.status').allTextContents();
      const ages = () => sms.locator('.ago').allTextContents();

      expect(await statuses()).toEqual(['Current code', 'Used: code accepted']);
      expect(await ages()).toEqual([' · 1 minute ago', ' · 4 minutes ago']);
      expect(await phone.locator('[aria-current="true"]').count()).toBe(1);

      // The same transfer again (as "send a new code" does): a new flow and a newer code.
      const resent = await authorize(em, p, { jwt: await transfer('1,200.00', 'Carol Jones') });
      await phone.waitForFunction(() => document.querySelectorAll('.sms').length === 3, null, {
        timeout: 20_000,
      });
      expect(await statuses()).toEqual([
        'Current code',
        'Replaced by a newer code',
        'Used: code accepted',
      ]);
      expect(await sms.first().locator('.text').textContent()).toContain(`Code: ${lastOtp(em)}`);
      expect(await sms.first().getAttribute('aria-current')).toBe('true');
      expect(await phone.locator('[aria-current="true"]').count()).toBe(1);
      expect(await sms.first().locator('time').textContent()).toMatch(/^\d\d:\d\d:\d\d UTC$/);
      expect(await ages()).toEqual([' · just now', ' · 1 minute ago', ' · 4 minutes ago']);

      const picture = await phone
        .locator('.phone')
        .screenshot({ path: join(SHOTS, 'phone.png'), animations: 'disabled' });
      if (DOCS_SHOTS) writeFileSync(join(DOCS_SHOTS, 'phone.png'), picture);
      const log = newAuditLog();
      await auditPage(phone, 'emulator phone, current, replaced and used', log);
      expect(log.findings).toEqual([]);
      expect(log.reflow.every((r) => r.scrollWidth <= r.clientWidth)).toBe(true);

      // Two minutes on the page: the ages move with the browser's clock, the statuses stay.
      await phone.clock.fastForward('02:00');
      await phone.waitForFunction(
        () => document.querySelector('.sms .ago')?.textContent === ' · 2 minutes ago',
        null,
        { timeout: 20_000 },
      );
      expect(await ages()).toEqual([' · 2 minutes ago', ' · 3 minutes ago', ' · 6 minutes ago']);

      // The current code accepted: its marker turns to "used", and no code is current.
      const checked = await flowCall(em, resent.res.body.id, resent.cookies, { otp: lastOtp(em) });
      expect(checked.status).toBe(200);
      await phone.waitForFunction(
        () => document.querySelector('.sms .status')?.textContent === 'Used: code accepted',
        null,
        { timeout: 20_000 },
      );
      expect(await phone.locator('[aria-current="true"]').count()).toBe(0);
      expect(await sms.count()).toBe(3);
      expect(navigations).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
