import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStackForFile, launchBrowser } from '../helpers/browser.js';

/**
 * What the security headers make a browser do, read in Debian's Chromium from the real server
 * stack: no framing by anyone (the CSP and X-Frame-Options agree), and none of the powerful
 * features the pages never use.
 */
const stack = await demoStackForFile();
let framer: Server;
let framerUrl: string;

beforeAll(async () => {
  // Another origin that tries to frame the approve page (clickjacking).
  framer = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><iframe id="app" src="${stack.url}/"></iframe>`);
  });
  await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
  framerUrl = `http://127.0.0.1:${(framer.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => framer?.close(resolve));
});

describe('the pages in a browser', () => {
  it('send consistent anti-framing headers and a Permissions-Policy', async () => {
    const res = await fetch(`${stack.url}/`);
    await res.arrayBuffer();
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const policy = res.headers.get('permissions-policy') ?? '';
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) {
      expect(policy).toContain(`${feature}=()`);
    }
  });

  it('Chromium denies the features, reads every name in the policy, and refuses to frame the page', async () => {
    const context = await launchBrowser({ width: 1280, height: 900 });
    try {
      const page = await context.newPage();
      const console: string[] = [];
      page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
      await page.goto(stack.url);
      const allowed = await page.evaluate(() =>
        [
          'camera',
          'microphone',
          'geolocation',
          'payment',
          'usb',
          'publickey-credentials-get',
        ].filter((f) =>
          (
            document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }
          ).featurePolicy.allowsFeature(f),
        ),
      );
      expect(allowed).toEqual([]);
      expect(console.filter((m) => /Permissions-Policy|Feature-Policy/i.test(m))).toEqual([]);

      await page.goto(framerUrl);
      await page.waitForTimeout(500);
      const framed = page.frames().find((f) => f.url().startsWith(stack.url));
      const heading = await framed?.$('h1').catch(() => null);
      expect(heading ?? null).toBeNull();
    } finally {
      await context.close();
    }
  });
});
