import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_SHOTS,
  SHOTS,
  demoStackForFile,
  latestCode,
  launchBrowser,
  screenshot,
  watchPage,
} from '../helpers/browser.js';

/**
 * The inspector's timeline in a real browser (Debian's Chromium), on the one-command demo stack:
 * it renders under the strict CSP, opens a step without JavaScript's help (<details>), fits a
 * 360-390 px phone, and gives the README its screenshots. They go to test-results/screenshots/;
 * with UPDATE_SCREENSHOTS=1 also to docs/screenshots/ (committed, linked from the README).
 */
const stack = await demoStackForFile();

/** The pictures the README and docs/walkthrough.md show. */
const FOR_DOCS = new Set(['approve', 'code-and-phone', 'result-with-timeline', 'mobile-timeline']);

const shot = (page: Page, name: string) => screenshot(page, name, FOR_DOCS.has(name));

/** The code page and the emulator's phone side by side, as one picture for the README. */
async function sideBySide(context: BrowserContext, left: Buffer, right: Buffer, name: string) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1200, height: 900 });
  const img = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;
  // about:blank has no CSP of ours: a throwaway composing page for the screenshot only.
  await page.setContent(
    `<body style="margin:0;background:#dfe5ec;display:flex;gap:24px;padding:24px;align-items:flex-start">
      <img src="${img(left)}" style="width:720px;border-radius:8px;box-shadow:0 2px 12px #0003">
      <img src="${img(right)}" style="width:376px">
    </body>`,
  );
  await page.waitForFunction(() =>
    Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0),
  );
  await shot(page, name);
  await page.close();
}

beforeAll(() => {
  expect(stack.config.inspector).toBe(true); // on by default in embedded mode
});

describe('the inspector timeline in a browser', () => {
  it('desktop (1280): the timeline on the code page and the result page; a step opens', async () => {
    const context = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(stack.url);
      await shot(page, 'approve');

      await page.fill('#payee', 'Alice Smith');
      await page.fill('#amount', '42.5');
      await page.selectOption('#currency', 'GBP');
      await Promise.all([page.waitForURL('**/approvals/otp'), page.click('button[type=submit]')]);
      expect(await page.textContent('.inspector h2')).toContain('so far');
      // The setup row (closed), then the approval's first three steps.
      expect(await page.locator('.tl-step').count()).toBe(4);
      const setup = page.locator('.tl-step.tl-setup');
      expect(await setup.locator('.tl-title').textContent()).toBe('Setup: steps 1–15');
      expect(await setup.locator('.tl-body').isVisible()).toBe(false);
      await setup.locator('summary').click();
      // The embedded start-up's own calls, by workflow step.
      const setupBody = await setup.locator('.tl-body').textContent();
      expect(setupBody).toContain('15 SMS device');
      expect(setupBody).toMatch(/POST \S*\/applications 201/);
      await setup.locator('summary').click();
      // The SMS step, opened: its text with the code masked.
      await page.click('.tl-step:nth-child(4) summary');
      expect(await page.isVisible('.tl-step:nth-child(4) .tl-body')).toBe(true);
      expect(await page.textContent('.tl-step:nth-child(4) .tl-body')).toContain(
        'Approve 42.50 GBP to Alice Smith? Code: ••••••',
      );
      await shot(page, 'code-with-timeline');
      // Narrower for the side-by-side picture: the page's content is 640 px wide anyway.
      await page.setViewportSize({ width: 720, height: 900 });
      const codePage = await page.screenshot({ fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });

      const phone = await context.newPage();
      await phone.setViewportSize({ width: 480, height: 800 });
      await phone.goto(stack.phoneUrl!);
      // The emulator draws the phone itself: its frame is the picture.
      const phoneShot = await phone.locator('.phone').screenshot();
      await phone.close();
      await sideBySide(context, codePage, phoneShot, 'code-and-phone');

      const code = await latestCode(stack);
      await page.fill('#otp', code === '000000' ? '111111' : '000000');
      await Promise.all([
        page.waitForLoadState(),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      expect(await page.locator('.tl-step.tl-bad').count()).toBe(1);
      expect(await page.textContent('.tl-step.tl-bad')).toMatch(/Wrong code: \d attempts? left/);

      await page.fill('#otp', code);
      await Promise.all([
        page.waitForURL('**/approvals/result'),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      expect(await page.textContent('h1')).toContain('Transfer approved');
      const titles = await page.locator('.tl-title').allTextContents();
      expect(titles).toEqual([
        'Setup: steps 1–15',
        'Approve the transfer',
        'authorize (pi.flow)',
        'SMS with the transfer and the code',
        'Submit the code',
        'otp.check',
        'Submit the code',
        'otp.check',
        'resume',
        'token',
        'Our checks',
        'Approved',
      ]);
      // The workflow's numbers on PingOne's rows; our own rows carry none.
      const badges = await page.locator('.tl-n > span[aria-hidden]').allTextContents();
      expect(badges).toEqual(['1–15', '', '16', '', '', '17', '', '17', '18', '19', '', '']);
      // Every step is closed until asked; the token step opens on a click (no script involved).
      expect(await page.locator('.tl-step details[open]').count()).toBe(0);
      const token = page.locator('.tl-step:not(.tl-setup)', { hasText: 'POST …/as/token' });
      expect(await token.locator('.tl-body').isVisible()).toBe(false);
      await token.locator('summary').click();
      expect(await token.locator('details').getAttribute('open')).not.toBeNull();
      const body = await token.locator('.tl-body').textContent();
      expect(body).toContain('ID token: claims');
      expect(body).toContain('"acr"');
      expect(await token.locator('.tl-doc a').getAttribute('href')).toMatch(
        /^https:\/\/developer\.pingidentity\.com\/pingone-api\/auth\/openid-connect-oauth-2\/token-/,
      );
      await page.locator('.tl-step', { hasText: 'Our checks' }).locator('summary').click();
      await shot(page, 'result-with-timeline');

      // trace.json from the page's own link: the same story, for a support ticket.
      const href = await page.getAttribute('.inspector-json', 'href');
      const res = await page.request.get(`${stack.url}${href}`);
      expect(res.status()).toBe(200);
      const trace = (await res.json()) as { outcome: string; steps: unknown[] };
      expect(trace.outcome).toBe('approved');
      expect(trace.steps).toHaveLength(11);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('phone (390, then 360): the timeline fits the width, and an opened step too', async () => {
    const context = await launchBrowser({ width: 390, height: 844 });
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(stack.url);
      await Promise.all([page.waitForURL('**/approvals/otp'), page.click('button[type=submit]')]);
      await shot(page, 'mobile-code-with-timeline');
      await page.fill('#otp', await latestCode(stack));
      await Promise.all([
        page.waitForURL('**/approvals/result'),
        page.click('form[action="/approvals/otp"] button'),
      ]);
      // The timeline alone, its checks open: the phone picture for the docs.
      await page.locator('.tl-step', { hasText: 'Our checks' }).locator('summary').click();
      const timeline = await page.locator('.inspector').screenshot();
      writeFileSync(join(SHOTS, 'mobile-timeline.png'), timeline);
      if (DOCS_SHOTS) writeFileSync(join(DOCS_SHOTS, 'mobile-timeline.png'), timeline);
      const authorize = page.locator('.tl-step', { hasText: 'authorize (pi.flow)' });
      await authorize.locator('summary').click();
      expect(await authorize.locator('.tl-body').isVisible()).toBe(true);
      const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
      expect(await scrollWidth()).toBeLessThanOrEqual(390);
      await page
        .locator('.tl-step:not(.tl-setup)', { hasText: 'POST …/as/token' })
        .locator('summary')
        .click();
      await shot(page, 'mobile-result-with-timeline');
      await page.setViewportSize({ width: 360, height: 780 });
      expect(await scrollWidth()).toBeLessThanOrEqual(360);
      // The arrows still carry their labels at 360 px.
      const label = await page
        .locator('.tl-step', { hasText: 'otp.check' })
        .locator('.tl-label')
        .first();
      expect((await label.boundingBox())!.width).toBeGreaterThan(60);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
