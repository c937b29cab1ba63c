import { RESULTS } from './results-dir.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runBench } from './run-child.js';
import { meanWithInterval, round } from './stats.js';

/**
 * A change against a base revision, the way issue 15 asks for it: both built as the image builds
 * them, run alternately in one window (base, change, then change, base, …), and the change
 * judged by the differences within each round, not by figures from different hours.
 */

const USAGE = `Usage: npm run bench:compare -- [--base REV] [--rounds N] [--approvals N] [options]

Builds REV (default HEAD) in a temporary git worktree and the working tree as it is now, each
into a folder of its own (the repository's dist/ is left alone), then runs bench/run.ts on each
build in turn, alternating which goes first, and reports the difference in CPU per approval and
approvals/s with a 95% interval over the rounds.

  --base REV       the revision to compare with (default HEAD)
  --rounds N       rounds of both builds (default 3; at least 2 for an interval)
  --approvals N    measured approvals per run (default 1500)
  --clients N      virtual clients (default 16)
  --warmup N       approvals before each measurement (default: bench/run.ts's)
  --log-level L    the app's LOG_LEVEL (default info)
  --app-env K=V    one more setting for both builds, repeatable (METRICS_PORT=0: the change with
                   metrics on against a base that has none or ignores the setting)

Writes bench/results/compare-<time>.json. Exit 0 when every run succeeded, 1 when one failed,
2 on bad flags.`;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** What a build needs beside dist/ at run time: views and assets are found from package.json. */
const PACKAGE_FILES = ['package.json', 'Dockerfile', 'views', 'public', 'node_modules'];

interface RunFigures {
  /** What bench/run.ts ran: the build's folder. */
  build: string;
  cpuMsPerApproval: number;
  approvalsPerSecond: number;
  failures: number;
}

/** The working tree, compiled into `dir` with the rest of the package linked in beside it. */
function buildWorkingTree(dir: string): void {
  for (const name of PACKAGE_FILES) symlinkSync(join(ROOT, name), join(dir, name));
  execFileSync(
    process.execPath,
    [TSC, '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

/** `rev` checked out in `dir` (a detached worktree) and compiled there. */
function buildRevision(rev: string, dir: string): void {
  execFileSync('git', ['worktree', 'add', '--detach', '--force', dir, rev], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], {
    cwd: dir,
    stdio: 'inherit',
  });
}

async function runOnce(args: string[], resultsDir: string): Promise<RunFigures> {
  const { report } = await runBench<{
    runtime: string;
    app: { failures: number; approvalsPerSecond: number; cpuMsPerApproval: { app: number } };
  }>(args, resultsDir);
  return {
    build: report.runtime,
    cpuMsPerApproval: report.app.cpuMsPerApproval.app,
    approvalsPerSecond: report.app.approvalsPerSecond,
    failures: report.app.failures,
  };
}

function describeDifference(name: string, unit: string, diffs: number[]): string {
  const { mean, low, high } = meanWithInterval(diffs);
  const sign = (n: number) => `${n >= 0 ? '+' : ''}${round(n, 2)}`;
  if (low === undefined || high === undefined) return `${name}: ${sign(mean)} ${unit} (one round)`;
  const verdict = low > 0 || high < 0 ? 'resolved' : 'within the noise';
  return `${name}: ${sign(mean)} ${unit} (95% interval ${sign(low)} to ${sign(high)}): ${verdict}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      rounds: { type: 'string' },
      approvals: { type: 'string' },
      clients: { type: 'string' },
      warmup: { type: 'string' },
      'log-level': { type: 'string' },
      'app-env': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rounds = Number(values.rounds ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`--rounds must be a whole number ≥ 1\n\n${USAGE}`);
    return 2;
  }
  const base = values.base ?? 'HEAD';
  const passOn = [
    ...['--approvals', values.approvals ?? '1500'],
    ...(values.clients ? ['--clients', values.clients] : []),
    ...(values.warmup ? ['--warmup', values.warmup] : []),
    ...['--log-level', values['log-level'] ?? 'info'],
    ...(values['app-env'] ?? []).flatMap((pair) => ['--app-env', pair]),
    '--skip-baseline',
  ];

  const work = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const dirs = { base: join(work, 'base'), change: join(work, 'change') };
  mkdirSync(dirs.change);
  const figures: Record<'base' | 'change', RunFigures[]> = { base: [], change: [] };
  try {
    process.stderr.write(`compare: building ${base} and the working tree\n`);
    buildRevision(base, dirs.base);
    buildWorkingTree(dirs.change);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? (['change', 'base'] as const) : (['base', 'change'] as const);
      for (const side of order) {
        process.stderr.write(`compare: round ${round + 1}/${rounds}, ${side}\n`);
        const results = join(work, `results-${side}-${round}`);
        figures[side].push(await runOnce([...passOn, '--app-dir', dirs[side]], results));
      }
    }
  } finally {
    // Also after a failed build: whatever was made goes, and an error here must not hide that one.
    spawnSync('git', ['worktree', 'remove', '--force', dirs.base], { cwd: ROOT, stdio: 'ignore' });
    spawnSync('git', ['worktree', 'prune'], { cwd: ROOT, stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }

  const diffs = (pick: (f: RunFigures) => number) =>
    figures.change.map((f, i) => pick(f) - pick(figures.base[i]!));
  const lines = [
    `Base ${base} against the working tree, ${rounds} rounds, alternating:`,
    ...figures.base.map(
      (b, i) =>
        `  round ${i + 1}: CPU ms per approval ${b.cpuMsPerApproval} → ${figures.change[i]!.cpuMsPerApproval}, ` +
        `approvals/s ${b.approvalsPerSecond} → ${figures.change[i]!.approvalsPerSecond}`,
    ),
    describeDifference(
      'CPU per approval',
      'ms',
      diffs((f) => f.cpuMsPerApproval),
    ),
    describeDifference(
      'Approvals per second',
      '/s',
      diffs((f) => f.approvalsPerSecond),
    ),
  ];
  console.log(lines.join('\n'));
  const failures = [...figures.base, ...figures.change].reduce((n, f) => n + f.failures, 0);
  if (failures) console.log(`${failures} approvals FAILED: the figures mean nothing`);

  mkdirSync(RESULTS, { recursive: true });
  const name = `compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const report = {
    base,
    rounds,
    options: passOn,
    figures,
    cpuMsPerApproval: meanWithInterval(diffs((f) => f.cpuMsPerApproval)),
    approvalsPerSecond: meanWithInterval(diffs((f) => f.approvalsPerSecond)),
  };
  writeFileSync(join(RESULTS, name), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'compare-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${join(RESULTS, name)}`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
