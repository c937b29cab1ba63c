import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The benchmark tools run end to end on a handful of approvals: they broke once without a test
// (a yardstick could not render the app's views). Nothing here is timed or judged: figures
// come from `npm run bench:ladder` on a quiet machine, never from CI.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RESULTS_DIR: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** One round of a handful of approvals: enough to run every path, far too few to mean anything. */
const SMOKE = ['--rounds', '1', '--approvals', '6', '--warmup', '0'];

describe('benchmark tools (a smoke run, untimed)', () => {
  it('bench:ladder runs the app, every yardstick and the baseline, and writes its report', async () => {
    const { code, stderr } = await run('bench/ladder.ts', SMOKE);
    expect(code, stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as {
      rungs: Array<{ name: string; cpuMsPerApproval: number; ownMsAtP50?: number }>;
      baseline: { approvalsPerSecond: number };
      targets: Array<{ name: string }>;
    };
    expect(report.rungs.map((r) => r.name)).toEqual([
      'app (info)',
      'app (warn)',
      'app (info, 1 client)',
      'bare',
      'express',
      'session',
      'views',
      'stack',
    ]);
    expect(report.rungs.every((r) => r.cpuMsPerApproval > 0)).toBe(true);
    // The app's PingOne time came from its own pingone.call events.
    expect(typeof report.rungs[0]!.ownMsAtP50).toBe('number');
    expect(report.baseline.approvalsPerSecond).toBeGreaterThan(0);
    expect(report.targets).toHaveLength(3);
  }, 240_000);

  it('bench:compare builds HEAD and the working tree apart, runs them in turn and leaves no worktree', async () => {
    const { code, stderr } = await run('bench/compare.ts', SMOKE);
    expect(code, stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'compare-latest.json'), 'utf8')) as {
      base: string;
      figures: Record<
        'base' | 'change',
        Array<{ build: string; cpuMsPerApproval: number; failures: number }>
      >;
      cpuMsPerApproval: { mean: number };
    };
    expect(report.base).toBe('HEAD');
    for (const side of ['base', 'change'] as const) {
      expect(report.figures[side]).toHaveLength(1);
      expect(report.figures[side][0]!.cpuMsPerApproval).toBeGreaterThan(0);
      expect(report.figures[side][0]!.failures).toBe(0);
      expect(report.figures[side][0]!.build).toMatch(new RegExp(`bench-compare-\\w+/${side}/dist`));
    }
    // This run's own worktree only: other checkouts of the repository may be comparing too.
    const work = /bench-compare-\w+/.exec(report.figures.base[0]!.build)![0];
    const worktrees = execFileSync('git', ['worktree', 'list'], { cwd: ROOT, encoding: 'utf8' });
    expect(worktrees).not.toContain(work);
  }, 240_000);

  it('bench:records loads, pages and reads both stores', async () => {
    const { code, stderr } = await run('bench/records.ts', ['--records', '21500', '--ops', '5']);
    expect(code, stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'records-latest.json'), 'utf8')) as Record<
      string,
      { large: Record<string, unknown> }
    >;
    for (const kind of ['sqlite', 'redis']) {
      expect(Object.keys(report[kind]!.large).sort()).toEqual([
        'deepPage',
        'firstPage',
        'insert',
        'read',
      ]);
    }
  }, 240_000);
});
