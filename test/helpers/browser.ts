import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startStack, type RunningStack, type StartOptions } from '../../src/server.js';
import { LOAD_TEST_LIMITS } from '../../scripts/soak/app-process.js';
import { forFile } from './for-file.js';

const profiles: string[] = [];

/**
 * Debian's Chromium with a throwaway profile (toolchain.md: a temporary profile must go through
 * launchPersistentContext; without the background-networking flags Chromium keeps trying to
 * reach the internet).
 */
export async function launchBrowser(viewport: {
  width: number;
  height: number;
}): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-'));
  profiles.push(dir);
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Deletes the profiles launchBrowser made (call after closing the contexts). */
export function removeBrowserProfiles(): void {
  for (const dir of profiles.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Collects CSP refusals, page errors and missing assets: the pages must need no inline script
 * or style. Error statuses of the pages themselves (422, 404) are expected and not collected.
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('requestfinished', async (request) => {
    const status = (await request.response())?.status();
    if (status === 404 && request.resourceType() !== 'document')
      problems.push(`404 ${request.url()}`);
  });
  return problems;
}

/**
 * The one-command demo as `npm start` runs it (emulator, provisioning, app) on ephemeral ports,
 * with its real default store (SQLite) in a throwaway folder rather than the repo's ./data.
 */
export function startDemoStack(
  env: Record<string, string> = {},
  deps?: StartOptions['deps'],
): Promise<RunningStack> {
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    LOG_LEVEL: 'silent',
    ...LOAD_TEST_LIMITS,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'txa-e2e-data-')),
    ...env,
  });
  return startStack({
    config,
    logger: createLogger({ level: 'silent' }),
    baseUrlFromPort: true,
    ...(deps ? { deps } : {}),
  });
}

/** The code of the newest SMS in the demo's emulator outbox, as the phone page shows it. */
export async function latestCode(stack: RunningStack): Promise<string> {
  const res = await fetch(`${stack.emulatorUrl}/__emulator/sms`);
  const messages = (await res.json()) as Array<{ otp: string }>;
  if (!messages[0]) throw new Error('no SMS in the emulator outbox');
  return messages[0].otp;
}

/** Every page picture goes here; the ones the docs show also to DOCS_SHOTS (UPDATE_SCREENSHOTS=1). */
export const SHOTS = join('test-results', 'screenshots');
export const DOCS_SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join('docs', 'screenshots') : undefined;

/** A full-page picture to SHOTS/name.png, and to DOCS_SHOTS when it is one the docs show. */
export async function screenshot(page: Page, name: string, forDocs = false): Promise<void> {
  const buffer = await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (DOCS_SHOTS && forDocs) writeFileSync(join(DOCS_SHOTS, `${name}.png`), buffer);
}

/**
 * At a browser test file's top level: the demo stack (startDemoStack) for all its tests, with
 * the screenshot folders made; after them it closes and the browsers' profiles are deleted.
 */
export function demoStackForFile(env: Record<string, string> = {}): Promise<RunningStack> {
  return forFile(
    () => {
      mkdirSync(SHOTS, { recursive: true });
      if (DOCS_SHOTS) mkdirSync(DOCS_SHOTS, { recursive: true });
      return startDemoStack(env);
    },
    async (stack) => {
      await stack.close();
      removeBrowserProfiles();
    },
  );
}
