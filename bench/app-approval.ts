import { CookieJar, type HttpAnswer, type HttpClient } from './http-client.js';
import type { Approval, Timings } from './driver.js';

/** The app's five pages of one approval, in order. */
export const APP_PAGES = [
  'GET /',
  'POST /approvals',
  'GET /approvals/otp',
  'POST /approvals/otp',
  'GET /approvals/result',
] as const;

export interface AppTarget {
  http: HttpClient;
  url: string;
  clients: number;
  /** A new browser (no cookies) for every approval instead of one per virtual client. */
  freshSessions: boolean;
  otpFor(marker: string): Promise<string>;
}

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

function expectAnswer(ok: boolean, page: string, res: HttpAnswer): void {
  if (!ok) throw new Error(`${page} answered ${res.status}: ${res.body.slice(0, 200)}`);
}

/**
 * One approval as a browser makes it: the form, approve, the code page, the code (read from the
 * emulator's outbox by this transfer's unique payee), the result. Each virtual client keeps its
 * cookies across its approvals, like one person approving one transfer after another.
 */
export function appApproval(target: AppTarget): Approval {
  const jars = Array.from({ length: target.clients }, () => new CookieJar());
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  return async (marker: string, timings: Timings, client: number) => {
    const jar = jars[client]!;
    if (target.freshSessions) jar.clear();
    const page = async (name: string, path: string, body?: Record<string, string>) => {
      const cookie = jar.header();
      const headers: Record<string, string> = {
        accept: 'text/html',
        ...(cookie ? { cookie } : {}),
        ...(body ? form : {}),
      };
      const started = performance.now();
      const res = await target.http.send(`${target.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers,
        ...(body ? { body: new URLSearchParams(body).toString() } : {}),
      });
      timings[name] = performance.now() - started;
      jar.take(res.headers['set-cookie']);
      return res;
    };

    const home = await page('GET /', '/');
    expectAnswer(home.status === 200, 'GET /', home);
    const started = await page('POST /approvals', '/approvals', {
      amount: '250.00',
      currency: 'EUR',
      payee: marker,
      _csrf: csrfOf(home.body),
    });
    expectAnswer(
      started.status === 303 && started.headers.location === '/approvals/otp',
      'POST /approvals',
      started,
    );
    const otpPage = await page('GET /approvals/otp', '/approvals/otp');
    expectAnswer(otpPage.status === 200, 'GET /approvals/otp', otpPage);
    const otp = await target.otpFor(marker);
    const submitted = await page('POST /approvals/otp', '/approvals/otp', {
      otp,
      _csrf: csrfOf(otpPage.body),
    });
    expectAnswer(
      submitted.status === 303 && submitted.headers.location === '/approvals/result',
      'POST /approvals/otp',
      submitted,
    );
    const result = await page('GET /approvals/result', '/approvals/result');
    expectAnswer(
      result.status === 200 && result.body.includes('Transfer approved'),
      'GET /approvals/result',
      result,
    );
  };
}
