import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';
import { approveTransfer, otpFromOutbox, uniqueTransfer } from './approve.js';
import { startAppProcess } from './app-process.js';
import { Browser } from './browser.js';
import { startProvisionedEmulator } from './provisioned-emulator.js';

export interface SoakOptions {
  /** Approvals to run in all. */
  approvals: number;
  /**
   * Simulated people, each with one browser (cookie jar) approving one transfer after another;
   * also the number of approvals in flight at once.
   */
  users: number;
  /** Every approval from a new browser (a new visitor each time) instead of `users` browsers. */
  freshBrowsers?: boolean;
  /** Called every `every` approvals with a sample (progress output). */
  onSample?: (sample: SoakSample) => void;
  sampleEvery?: number;
}

export interface SoakSample {
  done: number;
  elapsedMs: number;
  /** The app process's resident set size, bytes. */
  rssBytes: number | undefined;
  /** Rows in the session table (live or expired-not-yet-pruned). */
  sessionRows: number;
  approvalRows: number;
}

export interface SoakResult {
  approvals: number;
  failures: number;
  firstFailure?: string;
  start: SoakSample;
  /** After a short warm-up (JIT, pools, caches): the baseline for growth. */
  warm: SoakSample;
  end: SoakSample;
  peakRssBytes: number;
  peakSessionRows: number;
}

/**
 * `approvals` whole approvals through one app process on the SQLite store (PingOne mode, the
 * emulator in this process), sampling the app's RSS and the row counts of its SQLite file. The
 * app runs as in production: its own process, configured by its environment only.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const pingone = await startProvisionedEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), 'txa-soak-'));
  let app: Awaited<ReturnType<typeof startAppProcess>> | undefined;
  let db: Database.Database | undefined;
  try {
    app = await startAppProcess({ ...pingone.env, DATA_DIR: dataDir, NODE_ENV: 'production' });
    db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
    const count = db.prepare<[], { sessions: number; approvals: number }>(
      `SELECT (SELECT count(*) FROM sessions) AS sessions,
              (SELECT count(*) FROM approvals) AS approvals`,
    );
    const started = performance.now();
    const running = app;
    const sample = (done: number): SoakSample => {
      const row = count.get()!;
      return {
        done,
        elapsedMs: Math.round(performance.now() - started),
        rssBytes: running.rss(),
        sessionRows: row.sessions,
        approvalRows: row.approvals,
      };
    };
    const otpFor = otpFromOutbox(() => pingone.emulator.handle.sms(pingone.phone));
    const start = sample(0);
    const warmAt = Math.min(200, Math.floor(options.approvals / 10));
    let warm = start;
    let peakRss = start.rssBytes ?? 0;
    let peakRows = start.sessionRows;
    let failures = 0;
    let firstFailure: string | undefined;
    let next = 0;
    let done = 0;
    const every = options.sampleEvery ?? 500;

    const user = async (browser: Browser | undefined) => {
      while (next < options.approvals) {
        const index = next++;
        try {
          const run = await approveTransfer(
            browser ?? new Browser(running.url),
            uniqueTransfer(index),
            otpFor,
          );
          if (!run.result.text.includes('Transfer approved')) throw new Error('not approved');
        } catch (error) {
          failures++;
          firstFailure ??= error instanceof Error ? error.message : String(error);
        }
        done++;
        if (done === warmAt) warm = sample(done);
        if (done % every === 0 || done === options.approvals) {
          const s = sample(done);
          peakRss = Math.max(peakRss, s.rssBytes ?? 0);
          peakRows = Math.max(peakRows, s.sessionRows);
          options.onSample?.(s);
        }
      }
    };
    await Promise.all(
      Array.from({ length: options.users }, () =>
        user(options.freshBrowsers ? undefined : new Browser(running.url)),
      ),
    );
    const end = sample(done);
    return {
      approvals: end.approvalRows,
      failures,
      ...(firstFailure ? { firstFailure } : {}),
      start,
      warm,
      end,
      peakRssBytes: Math.max(peakRss, end.rssBytes ?? 0),
      peakSessionRows: Math.max(peakRows, end.sessionRows),
    };
  } finally {
    db?.close();
    await app?.stop();
    await pingone.emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
