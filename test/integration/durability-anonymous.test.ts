import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess, type AppProcess } from '../../scripts/soak/app-process.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';

/**
 * Requests from nobody in particular (no cookie, a broken path), sent to the app as its own
 * process on a SQLite file: they get a clear 4xx and leave nothing behind in the store.
 */
let pingone: ProvisionedEmulator;
let dataDir: string;
let app: AppProcess;

beforeAll(async () => {
  pingone = await startProvisionedEmulator();
  dataDir = mkdtempSync(join(tmpdir(), 'txa-anonymous-'));
  // The inspector's /approvals/:id/trace.json is a route with a parameter the router decodes.
  app = await startAppProcess({ ...pingone.env, DATA_DIR: dataDir, INSPECTOR: 'on' });
});
afterAll(async () => {
  await app?.kill();
  await pingone?.emulator.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const MALFORMED = [
  '/approvals/%ZZ/trace.json',
  '/%',
  '/approvals/%E0%A4%A',
  '/approvals/%E0%A4%A/trace.json',
  '/approvals/otp%',
  '/assets/%ZZ.css',
  '/healthz%ZZ',
  '/callback/%',
];

describe('a path with a broken percent-encoding', () => {
  it.each(MALFORMED)('GET %s answers 400 MALFORMED_PATH (page and JSON), not 500', async (path) => {
    const page = await fetch(`${app.url}${path}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('MALFORMED_PATH');
    expect(html).not.toMatch(/URIError|at .+\.(ts|js):\d+/);

    const json = await fetch(`${app.url}${path}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      error: { code: 'MALFORMED_PATH', message: expect.stringContaining('%-escape') },
    });
  });

  it('POST to such a path answers 400 too, and none of it is logged as an unhandled error', async () => {
    const res = await fetch(`${app.url}/approvals/%ZZ/trace.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'otp=123456',
    });
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    // LOG_LEVEL=warn in the child: an unhandled error (level error) would be in its output.
    expect(app.output()).not.toContain('unhandled error');
    expect(app.output()).not.toContain('INTERNAL_ERROR');
  });
});
