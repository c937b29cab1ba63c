import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { appForTest, type TestApp } from '../helpers/app.js';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join(';');

/** What helmet sends with the app's options, apart from the CSP and HSTS (checked per case). */
const HELMET = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** A page, an asset, a 404, a form posted without a session (a redirect) and the health check. */
async function everyKindOfResponse(app: TestApp['app']) {
  return Promise.all([
    request(app).get('/'),
    request(app).get('/assets/app.css'),
    request(app).get('/no-such-page'),
    request(app).post('/approvals').type('form').send({ amount: '1.00' }),
    request(app).get('/healthz'),
  ]);
}

describe('security headers (helmet, per response)', () => {
  it('over http: the strict CSP and helmet’s headers on every kind of response, no HSTS', async () => {
    const t = await appForTest();
    const responses = await everyKindOfResponse(t.app);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 303, 200]);
    for (const res of responses) {
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers).toMatchObject(HELMET);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('with an https BASE_URL: HSTS for a year and upgrade-insecure-requests', async () => {
    const t = await appForTest({ baseUrl: 'https://bank.example' });
    for (const res of await everyKindOfResponse(t.app)) {
      expect(res.headers['content-security-policy']).toBe(`${CSP};upgrade-insecure-requests`);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers).toMatchObject(HELMET);
    }
  });

  it('in hosted mode: form-action also allows the issuer, whose page the approve form redirects to', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const res = await request(t.app).get('/');
    const origin = new URL(t.emulator.url).origin;
    expect(res.headers['content-security-policy']).toContain(`form-action 'self' ${origin}`);
  });
});
