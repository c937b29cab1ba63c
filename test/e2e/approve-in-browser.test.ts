import { describe, expect, it } from 'vitest';
import {
  demoStackForFile,
  latestCode,
  launchBrowser,
  screenshot,
  startDemoStack,
  watchPage,
} from '../helpers/browser.js';

/**
 * The one-command demo as a person uses it: the real server stack (emulator + provisioning +
 * app) in-process on ephemeral ports, driven by Debian's Chromium. Screenshots of every page go
 * to test-results/screenshots/.
 */
const stack = await demoStackForFile();

describe('the embedded demo in a browser', () => {
  it('approve a transfer: a wrong code, then the right one, read from the emulator phone', async () => {
    const context = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(stack.url);
      await expect(page.locator('h1')).toBeDefined();
      expect(await page.textContent('h1')).toContain('Send money');
      await screenshot(page, '01-approve');

      await page.fill('#payee', 'Alice Smith');
      await page.fill('#amount', '42.5');
      await page.selectOption('#currency', 'GBP');
      await Promise.all([page.waitForURL('**/approvals/otp'), page.click('button[type=submit]')]);
      expect(await page.textContent('.summary')).toContain('42.50 GBP');
      await screenshot(page, '02-code');

      const phone = await context.newPage();
      await phone.goto(stack.phoneUrl!);
      expect(await phone.textContent('body')).toContain('42.50');
      await screenshot(phone, '03-emulator-phone');
      await phone.close();

      const code = await latestCode(stack);
      await page.fill('#otp', code === '000000' ? '111111' : '000000');
      await Promise.all([
        page.waitForLoadState(),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      expect(await page.textContent('.alert')).toContain('attempts left');
      await screenshot(page, '04-wrong-code');

      await page.fill('#otp', code);
      await Promise.all([
        page.waitForURL('**/approvals/result'),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      expect(await page.textContent('h1')).toContain('Transfer approved');
      expect(await page.textContent('.evidence')).toContain('otp');
      await screenshot(page, '05-approved');

      // Going back to the code form cannot approve again: the flow was consumed.
      await page.goto(`${stack.url}/approvals/otp`);
      expect(page.url()).toContain('/approvals/result');

      // PingOne failing (a 500 injected at the emulator's authorize): the 502 page, then a retry.
      await fetch(`${stack.emulatorUrl}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          path: '/:env/as/authorize',
          status: 500,
          body: {
            id: '7d3c0e8e-5d1b-4b7e-9d55-1f0e2f6d4a21',
            code: 'UNEXPECTED_ERROR',
            message: 'injected',
          },
        }),
      });
      await page.goto(stack.url);
      await page.click('button[type=submit]');
      await page.waitForSelector('.error-page');
      expect(await page.textContent('.error-page')).toContain(
        '7d3c0e8e-5d1b-4b7e-9d55-1f0e2f6d4a21',
      );
      await screenshot(page, '06-pingone-failed');
      await Promise.all([
        page.waitForURL('**/approvals/otp'),
        page.click('form[action="/approvals/resend"] button'),
      ]);
      await page.fill('#otp', await latestCode(stack));
      await Promise.all([
        page.waitForURL('**/approvals/result'),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      expect(await page.textContent('h1')).toContain('Transfer approved');

      await page.goto(`${stack.url}/no-such-page`);
      expect(await page.textContent('h1')).toContain('Page not found');
      await screenshot(page, '07-not-found');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the SMS preview follows the form as it is typed and says why a payee cannot go', async () => {
    const context = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(stack.url);
      const facts = page.locator('#sms-preview-facts');
      const text = page.locator('#sms-preview-text');
      // Rendered by the server: there before any script ran.
      expect(await facts.textContent()).toBe('GSM-7 · 51 of 160 characters · 1 SMS');

      await page.fill('#payee', 'Zoë Müller GmbH');
      await expect
        .poll(() => facts.textContent(), { timeout: 5000 })
        .toBe('UCS-2 (“ë” is not in the GSM alphabet) · 51 of 70 characters · 1 SMS');
      expect(await text.textContent()).toBe('Approve 250.00 EUR to Zoë Müller GmbH? Code: ••••••');

      await page.fill('#payee', 'Przedsiębiorstwo Handlowo-Usługowe Żółć Sp. z o.o.');
      await page.fill('#amount', '1000');
      await expect
        .poll(() => facts.textContent(), { timeout: 5000 })
        .toBe(
          'UCS-2 (“ę” is not in the GSM alphabet) · 87 characters, up to 67 in each part · 2 SMS',
        );
      await screenshot(page, '08-sms-preview');

      await page.fill('#payee', 'Bob \u3164?');
      await expect
        .poll(() => facts.textContent(), { timeout: 5000 })
        .toContain('(U+3164, an invisible Hangul filler)');
      expect(await text.textContent()).toBe('This transfer cannot be sent as it is:');

      // Sent anyway: the form says the same, by the field, and keeps what was typed.
      await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
      expect(await page.textContent('#payee-error')).toContain('The 5th character, “\u3164”');
      expect(await page.inputValue('#payee')).toBe('Bob \u3164?');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('on a phone-sized viewport (390x844): approve, and a cancelled approval', async () => {
    const context = await launchBrowser({ width: 390, height: 844 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(stack.url);
      await screenshot(page, 'mobile-01-approve');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await Promise.all([page.waitForURL('**/approvals/otp'), page.click('button[type=submit]')]);
      await screenshot(page, 'mobile-02-code');
      await page.fill('#otp', await latestCode(stack));
      await Promise.all([
        page.waitForURL('**/approvals/result'),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      expect(await page.textContent('h1')).toContain('Transfer approved');
      await screenshot(page, 'mobile-03-approved');

      await page.goto(stack.url);
      await Promise.all([page.waitForURL('**/approvals/otp'), page.click('button[type=submit]')]);
      await Promise.all([
        page.waitForURL('**/approvals/result'),
        page.click('form[action="/approvals/cancel"] button'),
      ]);
      expect(await page.textContent('h1')).toContain('Transfer not approved');
      await screenshot(page, 'mobile-04-not-approved');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('hosted mode in a browser (APPROVAL_UI=hosted)', () => {
  it('the form POST redirects to PingOne’s page (CSP form-action allows it) and back to an approval', async () => {
    const hosted = await startDemoStack({ APPROVAL_UI: 'hosted' });
    const context = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(hosted.url);
      await Promise.all([
        page.waitForURL(`${hosted.emulatorUrl}/**`),
        page.click('button[type=submit]'),
      ]);
      await screenshot(page, 'hosted-01-pingone-page');
      await page.fill('#otp', await latestCode(hosted));
      await Promise.all([
        page.waitForURL(`${hosted.url}/approvals/result`),
        page.click('button[type=submit]'),
      ]);
      expect(await page.textContent('h1')).toContain('Transfer approved');
      await screenshot(page, 'hosted-02-approved');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await hosted.close();
    }
  });
});
