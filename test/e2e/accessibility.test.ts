import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../src/server.js';
import {
  latestCode,
  launchBrowser,
  removeBrowserProfiles,
  startDemoStack,
  watchPage,
} from '../helpers/browser.js';
import { auditPage, newAuditLog, REFLOW_WIDTH, type AuditLog } from './a11y-audit.js';

/**
 * Issue 17: every page of the demo, driven in Debian's Chromium, checked by axe-core at the WCAG
 * 2.0/2.1/2.2 A and AA tags at 1280 and 390 px, with the inspector on (steps closed and open)
 * and off; and the 320 px reflow of each. No rule is disabled. The counts go to
 * test-results/a11y.json (the README's numbers come from there).
 */
const stacks: RunningStack[] = [];
const contexts: BrowserContext[] = [];

afterAll(async () => {
  for (const c of contexts) await c.close();
  for (const s of stacks) await s.close();
  removeBrowserProfiles();
});

/** Codes texted per browser (the start and each resend): low, so a resend meets the 429. */
const RATE_LIMIT = { limit: 4, windowMs: 60_000 };
const UNLIMITED = { limit: 1_000_000, windowMs: 60_000 };

async function start(
  env: Record<string, string>,
  deps?: Parameters<typeof startDemoStack>[1],
): Promise<{ stack: RunningStack; page: Page }> {
  // A short PingOne timeout so that a latency fault shows the timeout page without a long wait.
  const stack = await startDemoStack({ PINGONE_TIMEOUT_MS: '3000', ...env }, deps);
  stacks.push(stack);
  const context = await launchBrowser({ width: 1280, height: 900 });
  contexts.push(context);
  return { stack, page: await context.newPage() };
}

/**
 * The rate-limited page. The SMS limit counts per browser over the whole walk, so it gets a stack
 * of its own with a low limit: the start and three resends text a code, the fourth resend is 429.
 */
async function auditRateLimited(env: Record<string, string>, log: AuditLog): Promise<void> {
  const { stack, page } = await start(env, {
    rateLimits: { sms: { browser: RATE_LIMIT, address: UNLIMITED, user: UNLIMITED } },
  });
  await startTransfer(page, stack);
  for (let i = 0; i < RATE_LIMIT.limit; i++) {
    await Promise.all([
      page.waitForLoadState(),
      page.click('form[action="/approvals/resend"] button'),
    ]);
  }
  expect(await page.textContent('.error-page')).toContain('TOO_MANY_CODES_SENT');
  await auditPage(page, 'rate-limited', log);
}

async function fault(stack: RunningStack, rule: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/faults`, {
    method: rule.clear ? 'DELETE' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: rule.clear ? undefined : JSON.stringify(rule),
  });
  expect(res.ok).toBe(true);
}

function envId(stack: RunningStack): string {
  return stack.config.pingone!.environmentId;
}

async function startTransfer(page: Page, stack: RunningStack): Promise<void> {
  await page.goto(stack.url);
  await Promise.all([page.waitForURL('**/approvals/otp'), page.click('button[type=submit]')]);
}

async function submitCode(page: Page, code: string): Promise<void> {
  await page.fill('#otp', code);
  await Promise.all([page.waitForLoadState(), page.click('form[action="/approvals/otp"] button')]);
}

const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

/** Walks the own-mode demo through every page and state, auditing each. */
async function auditOwnMode(stack: RunningStack, page: Page, log: AuditLog): Promise<void> {
  const env = envId(stack);
  await page.goto(`${stack.url}/approvals`);
  await auditPage(page, 'approvals list, empty', log);

  await page.goto(stack.url);
  await auditPage(page, 'approve', log);
  await page.fill('#amount', '');
  await page.fill('#payee', '');
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
  expect(await page.locator('[aria-invalid=true]').count()).toBe(2);
  await auditPage(page, 'approve, invalid input', log);

  await startTransfer(page, stack);
  await auditPage(page, 'code', log);
  const code = await latestCode(stack);
  await submitCode(page, wrong(code));
  expect(await page.textContent('.alert')).toContain('attempts left');
  await auditPage(page, 'code, after a wrong code', log);
  await submitCode(page, '12ab');
  await auditPage(page, 'code, not digits', log);
  await submitCode(page, code);
  expect(await page.textContent('h1')).toContain('Transfer approved');
  await auditPage(page, 'result, approved', log);

  await page.goto(`${stack.url}/approvals`);
  expect(await page.locator('.history tbody tr').count()).toBeGreaterThan(0);
  await auditPage(page, 'approvals list', log);

  await startTransfer(page, stack);
  await Promise.all([
    page.waitForURL('**/approvals/result'),
    page.click('form[action="/approvals/cancel"] button'),
  ]);
  await auditPage(page, 'result, cancelled', log);

  await startTransfer(page, stack);
  const lockCode = await latestCode(stack);
  for (let i = 0; i < 3; i++) await submitCode(page, wrong(lockCode));
  expect(await page.textContent('.lead')).toContain('locked');
  await auditPage(page, 'result, locked', log);

  // Every PingOne failure page: each step, each kind of failure (error body, rate limit,
  // dropped connection, timeout), and PingOne refusing outright.
  const failures: Array<[string, Record<string, unknown>, boolean]> = [
    [
      'PingOne failed: authorize 429',
      {
        path: `/${env}/as/authorize`,
        status: 429,
        headers: { 'Retry-After': '7' },
        body: { id: 'e4290000-0000-4000-8000-000000000429', code: 'REQUEST_LIMITED' },
      },
      false,
    ],
    [
      'PingOne failed: otp.check 500',
      {
        path: `/${env}/flows/:flowId`,
        method: 'POST',
        status: 500,
        body: { id: 'e5000000-0000-4000-8000-000000000500', code: 'UNEXPECTED_ERROR' },
      },
      true,
    ],
    ['PingOne failed: resume dropped', { path: `/${env}/as/resume`, drop: true }, true],
    [
      'PingOne failed: token timeout',
      { path: `/${env}/as/token`, method: 'POST', latencyMs: 3500 },
      true,
    ],
    [
      'PingOne refused: authorize 400',
      {
        path: `/${env}/as/authorize`,
        status: 400,
        body: { id: 'e4000000-0000-4000-8000-000000000400', code: 'INVALID_REQUEST' },
      },
      false,
    ],
  ];
  for (const [name, rule, atCode] of failures) {
    await fault(stack, { clear: true });
    // Resume is a safe GET the client retries: the fault holds for every retry.
    rule.count = 5;
    if (atCode) {
      await startTransfer(page, stack);
      await fault(stack, rule);
      await submitCode(page, await latestCode(stack));
    } else {
      await fault(stack, rule);
      await page.goto(stack.url);
      await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
    }
    expect(await page.locator('h1').textContent()).toMatch(/PingOne|not approved/);
    await auditPage(page, name, log);
  }
  await fault(stack, { clear: true });
  // The token call the timeout gave up on still finishes at the emulator: let it.
  await new Promise((resolve) => setTimeout(resolve, 1000));

  await page.goto(`${stack.url}/no/such/page`);
  await auditPage(page, 'not found', log);

  if (stack.config.inspector) {
    // The emulator's pages do not change with the app's inspector: checked once.
    await page.goto(stack.phoneUrl!);
    await auditPage(page, 'emulator phone', log);
    await page.goto(`${stack.phoneUrl}?to=${encodeURIComponent('+15550000000')}`);
    await auditPage(page, 'emulator phone, no messages', log);
  }

  // Last: moving the emulator's clock past the code's lifetime ends this stack's usefulness.
  await startTransfer(page, stack);
  const stale = await latestCode(stack);
  await fetch(`${stack.emulatorUrl}/__emulator/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMs: 6 * 60 * 1000 }),
  });
  await submitCode(page, stale);
  expect(await page.textContent('.lead')).toContain('expired');
  await auditPage(page, 'result, expired', log);
}

async function auditHostedMode(stack: RunningStack, page: Page, log: AuditLog): Promise<void> {
  await page.goto(stack.url);
  await auditPage(page, 'approve (hosted mode)', log);
  await Promise.all([
    page.waitForURL(`${stack.emulatorUrl}/**`),
    page.click('button[type=submit]'),
  ]);
  await auditPage(page, 'emulator sign-on', log);
  const code = await latestCode(stack);
  await page.fill('#otp', wrong(code));
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
  expect(await page.textContent('.error')).toContain('left');
  await auditPage(page, 'emulator sign-on, after a wrong code', log);
  await page.fill('#otp', code);
  await Promise.all([
    page.waitForURL(`${stack.url}/approvals/result`),
    page.click('button[type=submit]'),
  ]);
  await auditPage(page, 'result, approved (hosted mode)', log);
  await page.goto(`${stack.emulatorUrl}/${envId(stack)}/signon?flowId=none`);
  await auditPage(page, 'emulator sign-on, expired', log);
}

describe('accessibility: axe-core (WCAG 2.2 A/AA) on every page, and reflow at 320 px', () => {
  const log = newAuditLog();

  it('own mode, inspector on', async () => {
    const { stack, page } = await start({});
    expect(stack.config.inspector).toBe(true);
    const problems = watchPage(page);
    await auditOwnMode(stack, page, log);
    expect(problems).toEqual([]);
    await auditRateLimited({}, log);
  }, 600_000);

  it('own mode, inspector off', async () => {
    const { stack, page } = await start({ INSPECTOR: 'false' });
    expect(stack.config.inspector).toBe(false);
    await auditOwnMode(stack, page, log);
    await auditRateLimited({ INSPECTOR: 'false' }, log);
  }, 600_000);

  it('hosted mode (the emulator’s sign-on page)', async () => {
    const { stack, page } = await start({ APPROVAL_UI: 'hosted' });
    await auditHostedMode(stack, page, log);
  }, 300_000);

  it('has zero violations and no horizontal scroll at 320 px on any of them', () => {
    mkdirSync('test-results', { recursive: true });
    const pages = new Set(log.runs.map((r) => r.page));
    writeFileSync(
      join('test-results', 'a11y.json'),
      JSON.stringify({ pages: pages.size, checks: log.runs.length, ...log }, null, 2),
    );
    expect(pages.size).toBeGreaterThanOrEqual(25);
    expect(log.findings).toEqual([]);
    const overflowing = log.reflow.filter((r) => r.scrollWidth > r.clientWidth);
    expect(overflowing, `horizontal scroll at ${REFLOW_WIDTH} px`).toEqual([]);
  });

  it('gives every page one h1, one main, a language and a title naming the step', () => {
    const wrong = log.structure.filter(
      (s) =>
        s.h1 !== 1 ||
        s.main !== 1 ||
        s.lang !== 'en' ||
        !/^(Error: )?[^—]+ — (Northwind Bank|PingOne emulator)$/.test(s.title),
    );
    expect(wrong).toEqual([]);
    // The bank's pages have a header to skip; the emulator's pages are only their main.
    const bank = log.structure.filter((s) => s.title.endsWith('Northwind Bank'));
    expect(bank.length).toBeGreaterThan(20);
    expect(bank.filter((s) => s.skipLink !== '#main')).toEqual([]);
  });
});
