import { describe, expect, it } from 'vitest';
import { emulatorForFile, startTestEmulator } from '../helpers/emulator.js';
import { authorize, call, cookiesOf, lastOtp, provision, redeem, REDIRECT_URI } from './fixture.js';

const { em, p } = await emulatorForFile();

/** A browser: follows the emulator's own redirects, keeping its cookies, until it leaves for redirect_uri. */
function post(url: string, cookies: string, form: Record<string, string>) {
  return call(url, {
    method: 'POST',
    headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

async function startHosted() {
  const started = await authorize(em, p, { mode: 'query' });
  expect(started.res.status).toBe(302);
  const pageUrl = new URL(started.res.headers.get('location')!);
  expect(pageUrl.origin).toBe(em.url);
  expect(pageUrl.pathname).toBe(`/${em.environmentId}/signon/`);
  return { ...started, pageUrl: pageUrl.toString() };
}

function actionOf(html: string): string {
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&#38;/g, '&');
  return new URL(action, em.url).toString();
}

describe('the hosted sign-on page (response_mode=query)', () => {
  it('sends the SMS, shows a code form without inline script or style, and 302s to redirect_uri with code and state', async () => {
    const s = await startHosted();
    expect(em.handle.sms()[0]!.text).toContain('Approve 250.00 EUR to Bob?');
    const page = await call(s.pageUrl, { headers: { cookie: s.cookies } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('name="otp"');
    expect(page.text).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    const action = actionOf(page.text);
    expect(new URL(action).origin).toBe(em.url);

    const wrong = await post(action, s.cookies, { otp: 'nope' });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('2 attempts left');

    const right = await post(action, s.cookies, { otp: lastOtp(em) });
    expect(right.status).toBe(302);
    const resumeUrl = right.headers.get('location')!;
    expect(resumeUrl).toMatch(new RegExp(`^${em.url}/${em.environmentId}/as/resume\\?flowId=`));
    const jar = cookiesOf(right, s.cookies);
    const resumed = await call(resumeUrl, { headers: { cookie: jar } });
    expect(resumed.status).toBe(302);
    const back = new URL(resumed.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get('state')).toBe(s.state);
    const token = await redeem(em, p, back.searchParams.get('code')!, s.verifier);
    expect(token.status).toBe(200);
  });

  it('sends the browser back with error, error_description and state when the codes run out', async () => {
    const s = await startHosted();
    const action = actionOf((await call(s.pageUrl, { headers: { cookie: s.cookies } })).text);
    await post(action, s.cookies, { otp: 'x' });
    await post(action, s.cookies, { otp: 'y' });
    const last = await post(action, s.cookies, { otp: 'z' });
    expect(last.status).toBe(302);
    const resumed = await call(last.headers.get('location')!, {
      headers: { cookie: cookiesOf(last, s.cookies) },
    });
    const back = new URL(resumed.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe(s.state);
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses the page without the flow cookies and after the flow expired', async () => {
    const s = await startHosted();
    const noCookie = await call(s.pageUrl);
    expect(noCookie.status).toBe(400);
    expect(noCookie.text).not.toContain('name="otp"');
    em.handle.advanceTime(10 * 60 * 1000);
    const expired = await call(s.pageUrl, { headers: { cookie: s.cookies } });
    expect(expired.status).toBe(404);
  });
});

describe('the hosted page without a login_hint_token', () => {
  it('asks for username and password, then the code', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other);
      const started = await authorize(other, q, { mode: 'query', hint: null });
      const pageUrl = started.res.headers.get('location')!;
      const page = await call(pageUrl, { headers: { cookie: started.cookies } });
      expect(page.text).toContain('name="password"');
      const action = new URL(
        /<form method="post" action="([^"]+)"/.exec(page.text)![1]!.replace(/&#38;/g, '&'),
        other.url,
      ).toString();
      const signedOn = await post(action, started.cookies, {
        username: q.username,
        password: q.password,
      });
      expect(signedOn.status).toBe(303);
      const jar = cookiesOf(signedOn, started.cookies);
      const codePage = await call(signedOn.headers.get('location')!, { headers: { cookie: jar } });
      expect(codePage.text).toContain('name="otp"');
      expect(other.handle.sms()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
