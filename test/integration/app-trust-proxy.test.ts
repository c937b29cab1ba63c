import { describe, expect, it } from 'vitest';
import { startAppProcess } from '../../scripts/soak/app-process.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';

/**
 * BASE_URL https, the app itself on plain HTTP (as behind a TLS-terminating proxy, or by
 * mistake without one). The app as its own process, JSON logs.
 */
const pingone = await pingoneForFile();

async function cookieOf(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/`, { headers });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  // The first page's cookie is the signed form cookie (no session yet), __Host- over https.
  return res.headers.getSetCookie().find((c) => c.startsWith('__Host-txa.form='));
}

async function withApp(
  env: Record<string, string>,
  check: (url: string, output: () => string) => Promise<void>,
) {
  const app = await startAppProcess({
    ...pingone.env,
    BASE_URL: 'https://bank.example',
    LOG_FORMAT: 'json',
    ...env,
  });
  try {
    await check(app.url, app.output);
  } finally {
    await app.kill();
  }
}

/** The JSON log lines at level warn (40) with this event. */
function warnings(output: string, event: string): Array<{ msg: string }> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; event?: string; msg: string })
    .filter((line) => line.level === 40 && line.event === event);
}

describe('BASE_URL https and TRUST_PROXY', () => {
  it('without TRUST_PROXY: one JSON warning at start, and X-Forwarded-Proto from anyone is not believed', async () => {
    await withApp({}, async (url, output) => {
      const [warning] = warnings(output(), 'config.warning');
      expect(warning?.msg).toContain('TRUST_PROXY');
      expect(warning?.msg).toContain('session expired');
      expect(await cookieOf(url, { 'x-forwarded-proto': 'https' })).toBeUndefined();
      expect(await cookieOf(url)).toBeUndefined();
      // And the first such request says why, once.
      expect(warnings(output(), 'request.insecure')).toHaveLength(1);
    });
  });

  it('TRUST_PROXY=loopback: the proxy on 127.0.0.1 says https, and the secure cookie is set', async () => {
    await withApp({ TRUST_PROXY: 'loopback' }, async (url, output) => {
      expect(warnings(output(), 'config.warning')).toEqual([]);
      const cookie = await cookieOf(url, { 'x-forwarded-proto': 'https' });
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
      // A request that did not come through TLS still gets none.
      expect(await cookieOf(url)).toBeUndefined();
    });
  });

  it('TRUST_PROXY naming another address: the header from 127.0.0.1 is not believed', async () => {
    await withApp({ TRUST_PROXY: '10.1.2.3, 192.168.0.0/16' }, async (url) => {
      expect(await cookieOf(url, { 'x-forwarded-proto': 'https' })).toBeUndefined();
    });
  });
});
