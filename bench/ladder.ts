import { RESULTS } from './results-dir.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './run-child.js';
import type { Percentiles } from './stats.js';
import { round } from './stats.js';
import { YARDSTICKS } from './yardstick-process.js';

/**
 * The app against the ladder of yardsticks and the baseline, in one window: every rung is a
 * `bench/run.ts` run, the rungs alternate order from one round to the next, and the median of
 * the rounds is reported. Writes bench/results/ladder-<time>.json and bench/results/latest.json.
 *
 *   npm run bench:ladder -- [--rounds 2] [--approvals 1000] [--built]
 */

const USAGE = `Usage: npm run bench:ladder -- [--rounds N] [--approvals N] [--built] [--soak]

  --rounds N     rounds of every rung, alternating order (default 2)
  --approvals N  measured approvals per rung (default 1000); the one-client rung runs a fifth
  --built        the app from dist/ (npm run build first), as the image runs it
  --warmup N     approvals before each rung's measurement (default: bench/run.ts's)
  --soak         then 10,000 approvals of the app at info: RSS growth, judged against 50 MB

The report also carries bench/results/records-latest.json (npm run bench:records) when there is one.`;

interface Rung {
  name: string;
  args: string[];
}

/** What one run of bench/run.ts wrote to latest.json, as far as the ladder reads it. */
interface RunReport {
  baseline?: { approvalsPerSecond: number; latencyMs: Record<string, Percentiles> };
  app: {
    failures: number;
    approvalsPerSecond: number;
    latencyMs: Record<string, Percentiles>;
    cpuMsPerApproval: { app?: number };
  };
  pingone?: { msPerApproval: number; ownMsAtP50: number };
  memory: { growthMb: number; growthPer10kMb: number };
}

async function runOnce(args: string[]): Promise<RunReport> {
  const { code, report } = await runBench<RunReport>(args);
  if (code !== 0) throw new Error(`bench/run.ts ${args.join(' ')} exited ${code}`);
  return report;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      approvals: { type: 'string' },
      built: { type: 'boolean' },
      warmup: { type: 'string' },
      soak: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rounds = Number(values.rounds ?? 2);
  const approvals = Number(values.approvals ?? 1000);
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(approvals) || approvals < 5) {
    console.error(USAGE);
    return 2;
  }
  const warm = values.warmup !== undefined ? ['--warmup', values.warmup] : [];
  const n = ['--approvals', String(approvals), ...warm];
  const app = values.built ? ['--built'] : [];
  const rungs: Rung[] = [
    // The baseline (four PingOne calls alone) is measured once per round, beside the app.
    { name: 'app (info)', args: [...n, ...app, '--log-level', 'info'] },
    { name: 'app (warn)', args: [...n, ...app, '--log-level', 'warn', '--skip-baseline'] },
    {
      name: 'app (info, 1 client)',
      args: [
        ...['--approvals', String(Math.max(5, Math.round(approvals / 5))), ...warm],
        ...[...app, '--log-level', 'info', '--skip-baseline', '--clients', '1'],
      ],
    },
    ...YARDSTICKS.map((y) => ({ name: y, args: [...n, '--yardstick', y, '--skip-baseline'] })),
  ];
  const startedAt = new Date();
  const seen = new Map<string, RunReport[]>();
  let baselines: RunReport['baseline'][] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...rungs].reverse() : rungs;
    for (const rung of order) {
      process.stderr.write(`ladder: round ${round + 1}/${rounds}, ${rung.name}\n`);
      const report = await runOnce(rung.args);
      if (report.app.failures) throw new Error(`${rung.name}: ${report.app.failures} failed`);
      seen.set(rung.name, [...(seen.get(rung.name) ?? []), report]);
      if (report.baseline) baselines = [...baselines, report.baseline];
    }
  }

  const summary = (name: string, runs: RunReport[]) => ({
    name,
    cpuMsPerApproval: round(median(runs.map((r) => r.app.cpuMsPerApproval.app ?? 0)), 2),
    approvalsPerSecond: round(median(runs.map((r) => r.app.approvalsPerSecond)), 1),
    latencyMs: runs.at(-1)!.app.latencyMs,
    ...(runs[0]!.pingone
      ? { ownMsAtP50: round(median(runs.map((r) => r.pingone!.ownMsAtP50)), 2) }
      : {}),
    rssGrowthPer10kMb: round(median(runs.map((r) => r.memory.growthPer10kMb)), 1),
    rounds: runs.length,
  });
  const rows = [...seen].map(([name, runs]) => summary(name, runs));
  const baselineRate = round(median(baselines.map((b) => b!.approvalsPerSecond)), 1);
  const byName = (name: string) => rows.find((r) => r.name === name)!;
  const appInfo = byName('app (info)');
  const stack = byName('stack');
  const oneClient = byName('app (info, 1 client)');
  let soak:
    { cpuMsPerApproval: number; approvalsPerSecond: number; rssGrowthMb: number } | undefined;
  if (values.soak) {
    process.stderr.write('ladder: soak, 10,000 approvals of the app at info\n');
    const run = await runOnce([...app, '--log-level', 'info', '--skip-baseline', '--soak']);
    soak = {
      cpuMsPerApproval: run.app.cpuMsPerApproval.app ?? 0,
      approvalsPerSecond: run.app.approvalsPerSecond,
      rssGrowthMb: run.memory.growthMb,
    };
  }
  const targets = [
    {
      name: 'CPU per approval, app (info) / stack',
      value: round(appInfo.cpuMsPerApproval / stack.cpuMsPerApproval, 2),
      target: '≤ 1.0',
      met: appInfo.cpuMsPerApproval <= stack.cpuMsPerApproval,
    },
    {
      name: 'approvals/s, app (info) / baseline',
      value: round(appInfo.approvalsPerSecond / baselineRate, 2),
      target: '≥ 0.5',
      met: appInfo.approvalsPerSecond >= 0.5 * baselineRate,
    },
    {
      name: 'one client: the app’s own ms at p50',
      value: oneClient.ownMsAtP50 ?? NaN,
      target: '≤ 5',
      met: (oneClient.ownMsAtP50 ?? Infinity) <= 5,
    },
    ...(soak
      ? [
          {
            name: 'RSS growth over 10,000 approvals (MB)',
            value: soak.rssGrowthMb,
            target: '≤ 50',
            met: soak.rssGrowthMb <= 50,
          },
        ]
      : []),
  ];
  let records: unknown;
  try {
    records = JSON.parse(readFileSync(join(RESULTS, 'records-latest.json'), 'utf8'));
  } catch {
    // No bench:records run on this machine yet.
  }
  const report = {
    startedAt: startedAt.toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    options: { rounds, approvals, built: values.built ?? false, clients: 16 },
    baseline: { approvalsPerSecond: baselineRate, rounds: baselines.length },
    rungs: rows,
    ...(soak ? { soak } : {}),
    targets,
    ...(records ? { records } : {}),
  };
  console.log(
    `\n| rung | CPU ms / approval | approvals/s | approval p50 / p95 / p99 ms |\n|---|---:|---:|---|`,
  );
  console.log(`| baseline (4 PingOne calls) | — | ${baselineRate} | — |`);
  for (const r of rows) {
    const a = r.latencyMs.approval!;
    console.log(
      `| ${r.name} | ${r.cpuMsPerApproval} | ${r.approvalsPerSecond} | ${a.p50} / ${a.p95} / ${a.p99} |`,
    );
  }
  console.log('');
  for (const t of targets) {
    console.log(`${t.name}: ${t.value} (target ${t.target}) ${t.met ? 'met' : 'MISSED'}`);
  }
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const name = `ladder-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(join(RESULTS, name), json);
  writeFileSync(join(RESULTS, 'latest.json'), json);
  console.log(`\nWrote ${join(RESULTS, name)} and ${join(RESULTS, 'latest.json')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The ladder failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
