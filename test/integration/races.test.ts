import { describe, expect, it } from 'vitest';
import { otpFromOutbox, uniqueTransfer } from '../../scripts/soak/approve.js';
import { Browser, csrfOf, type Page } from '../../scripts/soak/browser.js';
import type { ListeningApp } from '../helpers/durable-app.js';
import { redisInstancesForFile } from '../helpers/redis-instances.js';

/**
 * Races (issue 13, defect 7), over two instances sharing a real redis-server: whichever request
 * loses must show the true outcome, and nothing may text a code or offer a code form for a
 * transfer that is already approved.
 */
const stack = await redisInstancesForFile(2);
const [a, b] = stack.apps as [ListeningApp, ListeningApp];
const approvals = stack.stores[0]!.approvals;

const sms = () => stack.pingone.emulator.handle.sms(stack.pingone.phone);
const otpFor = otpFromOutbox(sms);
const smsTo = (payee: string) => sms().filter((m) => m.text.includes(`to ${payee}?`)).length;

/** A browser on instance A with a transfer started and its code page open. */
async function started(index: number) {
  const browser = new Browser(a.url);
  const transfer = uniqueTransfer(index);
  const form = await browser.get('/');
  const start = await browser.post('/approvals', { ...transfer, _csrf: csrfOf(form.text) });
  expect(start.location).toBe('/approvals/otp');
  const codePage = await browser.get('/approvals/otp');
  return { browser, transfer, csrf: csrfOf(codePage.text), cookie: browser.cookieHeader() };
}

/** The browser keeps the cookie a response set (the session id rotates when an approval ends). */
function adopt(browser: Browser, answers: Page[]): void {
  for (const answer of answers) {
    for (const cookie of answer.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      browser.setCookie(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  }
}

/** POST with the browser's cookie as it was, to one instance. */
function postTo(app: ListeningApp, path: string, form: Record<string, string>, cookie: string) {
  return new Browser(app.url).post(path, form, { cookie });
}

const WRONG = 'That code is not right';

describe('the same correct code to two instances at once', () => {
  it('30 tries: never "That code is not right"; approved exactly once; both answers lead to it', async () => {
    for (let i = 0; i < 30; i++) {
      const run = await started(1000 + i);
      const otp = await otpFor(run.transfer);
      const answers: Page[] = await Promise.all(
        [a, b].map((app) => postTo(app, '/approvals/otp', { otp, _csrf: run.csrf }, run.cookie)),
      );
      adopt(run.browser, answers);
      for (const answer of answers) {
        expect(answer.text, `try ${i}`).not.toContain(WRONG);
        expect(answer.status, `try ${i}`).toBe(303);
        expect(answer.location, `try ${i}`).toBe('/approvals/result');
      }
      const result = await run.browser.get('/approvals/result');
      expect(result.text, `try ${i}`).toContain('Transfer approved');
      expect(result.text).not.toContain('action="/approvals/otp"');
      const mine = (await approvals.listRecent(1000)).filter((r) => r.payee === run.transfer.payee);
      expect(mine).toHaveLength(1);
    }
  }, 120_000);
});

describe('"Send a new code" racing a correct code', () => {
  it('30 tries: once approved, no extra SMS and no live code form', async () => {
    let approvedRuns = 0;
    for (let i = 0; i < 30; i++) {
      const run = await started(2000 + i);
      const otp = await otpFor(run.transfer);
      const [first, second] = i % 2 ? [a, b] : [b, a];
      const answers = await Promise.all([
        postTo(first, '/approvals/otp', { otp, _csrf: run.csrf }, run.cookie),
        postTo(second, '/approvals/resend', { _csrf: run.csrf }, run.cookie),
      ]);
      adopt(run.browser, answers);
      for (const answer of answers) expect(answer.text, `try ${i}`).not.toContain(WRONG);
      const recorded = (await approvals.listRecent(1000)).some(
        (r) => r.payee === run.transfer.payee,
      );
      if (!recorded) continue;
      approvedRuns += 1;
      expect(smsTo(run.transfer.payee), `try ${i}: SMS for an approved transfer`).toBe(1);
      const codePage = await run.browser.get('/approvals/otp');
      expect(codePage.status, `try ${i}: code form for an approved transfer`).toBe(303);
      expect(codePage.location).toBe('/approvals/result');
      expect((await run.browser.get('/approvals/result')).text).toContain('Transfer approved');
    }
    // The code request wins most races (it only needs the flow it already has).
    expect(approvedRuns).toBeGreaterThan(0);
  }, 120_000);
});
