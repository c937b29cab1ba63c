import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSX_IMPORT } from './emulator-child.js';
import { RESULTS } from './results-dir.js';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));

/**
 * Runs bench/run.ts with `args` in a process of its own (its progress on our stderr) and answers
 * the report it wrote to `resultsDir`/latest.json. Exit 1 (some approvals failed) still has a
 * report; any other failure rejects.
 */
export function runBench<Report>(
  args: string[],
  resultsDir = RESULTS,
): Promise<{ code: number; report: Report }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, RUN, ...args], {
      env: { ...process.env, BENCH_RESULTS_DIR: resultsDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const failed = new Error(`bench/run.ts ${args.join(' ')} exited ${code}`);
      if (code !== 0 && code !== 1) return reject(failed);
      try {
        const report = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')) as Report;
        resolve({ code, report });
      } catch {
        reject(failed);
      }
    });
  });
}
