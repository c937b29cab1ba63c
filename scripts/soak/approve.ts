import { randomBytes } from 'node:crypto';
import { Browser, csrfOf, type Page } from './browser.js';

export interface TransferInput {
  amount: string;
  currency: string;
  payee: string;
}

/**
 * A transfer nobody else in the run has: its payee picks out its own SMS in a shared outbox.
 * The tag is letters and the index grouped by thousands: the app refuses a payee with as many
 * digits in a row as the code has.
 */
export function uniqueTransfer(index: number): TransferInput {
  const tag = String.fromCharCode(...randomBytes(8).map((b) => 97 + (b % 26)));
  return {
    amount: `${1 + (index % 9000)}.${String(index % 100).padStart(2, '0')}`,
    currency: 'EUR',
    payee: `Payee ${tag} ${index.toLocaleString('en')} Ltd`,
  };
}

/** Where each step goes: one instance, or another one for the code (load balancer). */
export interface ApprovalRoute {
  start: string;
  code: string;
  result: string;
}

/** Answers the code of the SMS that names `transfer` (waits for it if need be). */
export type OtpSource = (transfer: TransferInput) => Promise<string>;

export interface ApprovalRun {
  browser: Browser;
  transfer: TransferInput;
  result: Page;
}

function expectRedirect(page: Page, to: string, step: string): void {
  if (page.status !== 303 || page.location !== to) {
    const code = /<code>([A-Z_]+)<\/code>/.exec(page.text)?.[1];
    throw new Error(
      `${step}: expected 303 to ${to}, got ${page.status} ${page.location ?? ''} ${code ?? ''}`.trim(),
    );
  }
}

/**
 * The first half of an approval as a browser does it: the form, POST /approvals (it must go to
 * the code page) and the code page. Answers the code page, whose CSRF field the code needs.
 */
export async function startApproval(
  browser: Browser,
  transfer: TransferInput,
  route?: ApprovalRoute,
): Promise<Page> {
  if (route) browser.baseUrl = route.start;
  const form = await browser.get('/');
  const started = await browser.post('/approvals', { ...transfer, _csrf: csrfOf(form.text) });
  expectRedirect(started, '/approvals/otp', 'POST /approvals');
  if (route) browser.baseUrl = route.code;
  return browser.get('/approvals/otp');
}

/**
 * One whole approval as a browser does it: the form, POST /approvals, the code page, the code
 * read from the SMS that names this transfer, and the result page. Throws on any step that does
 * not go where a successful approval goes.
 */
export async function approveTransfer(
  browser: Browser,
  transfer: TransferInput,
  otpFor: OtpSource,
  route?: ApprovalRoute,
): Promise<ApprovalRun> {
  const codePage = await startApproval(browser, transfer, route);
  const otp = await otpFor(transfer);
  const submitted = await browser.post('/approvals/otp', { otp, _csrf: csrfOf(codePage.text) });
  expectRedirect(submitted, '/approvals/result', 'POST /approvals/otp');
  if (route) browser.baseUrl = route.result;
  const result = await browser.get('/approvals/result');
  return { browser, transfer, result };
}

interface SmsLike {
  text: string;
  otp: string;
}

/** An OtpSource over an SMS list (newest first): the newest message naming the payee. */
export function otpFromOutbox(list: () => SmsLike[] | Promise<SmsLike[]>): OtpSource {
  return async (transfer) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const message = (await list()).find((m) => m.text.includes(transfer.payee));
      if (message) return message.otp;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no SMS names ${transfer.payee}`);
  };
}

/** Runs `count` tasks with at most `concurrency` at a time; answers every result in order. */
export async function runPool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
