import { RESULTS } from './results-dir.js';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProvisionSettings } from '../src/provisioning/provision.js';
import { APP_PAGES, appApproval } from './app-approval.js';
import { freePort } from '../scripts/free-port.js';
import { startAppProcess, type CallTimes } from './app-process.js';
import {
  startYardstickProcess,
  YARDSTICK_LABELS,
  YARDSTICKS,
  type Yardstick,
} from './yardstick-process.js';
import { BASELINE_STEPS, baselineApproval } from './baseline-approval.js';
import { drive, type Approval, type DriveResult } from './driver.js';
import { startEmulatorChild, type EmulatorChild } from './emulator-child.js';
import { createHttpClient } from './http-client.js';
import { machineBusy, sampleProcess, sampleSelf, type ProcSample } from './proc-stats.js';
import { summarizeProfile, type ProfileSummary } from './profile-summary.js';
import { provisionEmulator } from './provision-emulator.js';
import { mb, percentiles, round, type Percentiles } from './stats.js';

const USAGE = `Usage: npm run bench -- [options]

  --clients N        concurrent virtual clients (default 16)
  --approvals N      measured approvals per run (default 2000)
  --soak             10000 approvals: the memory target is judged only at 10000 or more
  --warmup N         approvals before measuring (default 10%, 200 to 500)
  --fresh-sessions   a new browser (no cookies) for every approval
  --skip-baseline    measure the app only
  --built            run dist/src/server.js (npm run build first) instead of src/ through tsx
  --log-level L      the app's LOG_LEVEL (default info, as in production)
  --cpu-prof         write a V8 CPU profile of the app to bench/results/ and summarize it
  --yardstick NAME   measure a yardstick relying party instead of the app: the same pages and
                     PingOne calls with none or some of the app's stack: bare (node:http),
                     express, session (+ helmet, express-session), views (+ the EJS views),
                     stack (+ openid-client); see bench/bare-rp.ts and bench/stack-rp.ts
  --app-node-args S  more node options for the app, space-separated (e.g. --max-old-space-size=256)
  --app-env K=V      one more setting in the app's environment, repeatable (e.g. METRICS_PORT=0
                     for metrics on an ephemeral port, OTEL_EXPORTER_OTLP_ENDPOINT=URL for traces)
  --app-dir DIR      run the build in DIR (its dist/ and Dockerfile) instead of this one's;
                     implies --built (npm run bench:compare uses it)
  -h, --help

Writes bench/results/bench-<time>.json and bench/results/latest.json. Exit 0 when every
approval succeeded (targets met or missed are reported), 1 on failures, 2 on bad flags.`;

/**
 * Targets on the reference machine (2 cores, 16 clients). CPU per approval is judged against
 * the stack yardstick measured in the same window: `npm run bench:ladder`.
 */
const TARGETS = { ratio: 0.5, rssGrowthMbPer10k: 50 };

interface Options {
  clients: number;
  approvals: number;
  warmup: number;
  freshSessions: boolean;
  skipBaseline: boolean;
  built: boolean;
  logLevel: string;
  cpuProf: boolean;
  appNodeArgs: string[];
  appEnv: Record<string, string>;
  appDir?: string;
  yardstick?: Yardstick;
}

function parseOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string' },
      approvals: { type: 'string' },
      soak: { type: 'boolean' },
      warmup: { type: 'string' },
      'fresh-sessions': { type: 'boolean' },
      'skip-baseline': { type: 'boolean' },
      built: { type: 'boolean' },
      'log-level': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'app-node-args': { type: 'string' },
      'app-env': { type: 'string', multiple: true },
      'app-dir': { type: 'string' },
      yardstick: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  if (values.yardstick !== undefined) {
    if (!(YARDSTICKS as readonly string[]).includes(values.yardstick))
      throw new Error(`--yardstick must be one of ${YARDSTICKS.join(', ')}`);
    if (
      values['cpu-prof'] ||
      values['app-node-args'] ||
      values['app-env'] ||
      values.built ||
      values['app-dir']
    )
      throw new Error(
        '--built, --app-dir, --cpu-prof, --app-node-args and --app-env are for the app, not a yardstick',
      );
  }
  const count = (name: string, value: string | undefined, fallback: number, min: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a whole number ≥ ${min} (got "${value}")`);
    return n;
  };
  const approvals = count('approvals', values.approvals, values.soak ? 10_000 : 2000, 1);
  return {
    clients: count('clients', values.clients, 16, 1),
    approvals,
    warmup: count(
      'warmup',
      values.warmup,
      Math.min(500, Math.max(200, Math.round(approvals / 10))),
      0,
    ),
    freshSessions: values['fresh-sessions'] ?? false,
    skipBaseline: values['skip-baseline'] ?? false,
    built: (values.built ?? false) || values['app-dir'] !== undefined,
    logLevel: values['log-level'] ?? 'info',
    cpuProf: values['cpu-prof'] ?? false,
    appNodeArgs: (values['app-node-args'] ?? '').split(/\s+/).filter(Boolean),
    appEnv: Object.fromEntries(
      (values['app-env'] ?? []).map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--app-env must be KEY=VALUE (got "${pair}")`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
    ...(values['app-dir'] !== undefined ? { appDir: resolve(values['app-dir']) } : {}),
    ...(values.yardstick !== undefined ? { yardstick: values.yardstick as Yardstick } : {}),
  };
}

interface PhaseReport {
  approvals: number;
  failures: number;
  errors: string[];
  durationMs: number;
  approvalsPerSecond: number;
  /** Per page (app) or per PingOne call (baseline), and per whole approval. */
  latencyMs: Record<string, Percentiles>;
  /** CPU per measured approval of each process. */
  cpuMsPerApproval: { app?: number; emulator: number; loadGenerator: number };
}

interface MemoryReport {
  rssAtStartMb: number;
  rssAfterWarmupMb: number;
  rssAtEndMb: number;
  peakRssMb: number;
  /** End minus after warm-up. */
  growthMb: number;
  growthPer10kMb: number;
  /** RSS after each tenth of the measured approvals. */
  rssTimelineMb: number[];
  /** End minus the RSS after the first tenth of the measured approvals. */
  growthAfterFirstTenthMb: number;
}

function progress(label: string, total: number, tick?: () => string) {
  let shown = 0;
  return (done: number) => {
    const tenth = Math.floor((done / total) * 10);
    if (tenth > shown) {
      shown = tenth;
      process.stderr.write(`  ${label}: ${done}/${total}${tick ? ` ${tick()}` : ''}\n`);
    }
  };
}

function phaseReport(
  result: DriveResult,
  steps: readonly string[],
  cpu: {
    app?: [ProcSample, ProcSample];
    emulator: [ProcSample, ProcSample];
    self: [ProcSample, ProcSample];
  },
): PhaseReport {
  const per = (pair: [ProcSample, ProcSample]) =>
    round((pair[1].cpuMs - pair[0].cpuMs) / Math.max(1, result.count), 3);
  const latencyMs: Record<string, Percentiles> = {};
  for (const step of steps) latencyMs[step] = percentiles(result.steps[step] ?? []);
  latencyMs.approval = percentiles(result.total);
  return {
    approvals: result.count,
    failures: result.failures,
    errors: result.errors,
    durationMs: Math.round(result.durationMs),
    approvalsPerSecond: round(result.count / (result.durationMs / 1000), 1),
    latencyMs,
    cpuMsPerApproval: {
      ...(cpu.app ? { app: per(cpu.app) } : {}),
      emulator: per(cpu.emulator),
      loadGenerator: per(cpu.self),
    },
  };
}

/** Warm-up (not measured), then the measured run with CPU read around it. */
async function measure(
  label: string,
  approval: Approval,
  options: Options,
  pids: { emulator: number; app?: number },
  steps: readonly string[],
  afterWarmup?: () => void,
  tick?: () => string,
): Promise<PhaseReport> {
  if (options.warmup) {
    process.stderr.write(`${label}: warm-up, ${options.warmup} approvals\n`);
    const warm = await drive(approval, {
      clients: options.clients,
      count: options.warmup,
      phase: `${label[0]}w`,
    });
    if (warm.failures)
      throw new Error(`${label} warm-up: ${warm.failures} failed, first: ${warm.errors[0]}`);
  }
  afterWarmup?.();
  const before = {
    emulator: sampleProcess(pids.emulator),
    self: sampleSelf(),
    ...(pids.app ? { app: sampleProcess(pids.app) } : {}),
  };
  process.stderr.write(`${label}: ${options.approvals} approvals, ${options.clients} clients\n`);
  const result = await drive(approval, {
    clients: options.clients,
    count: options.approvals,
    phase: label[0]!,
    onProgress: progress(label, options.approvals, tick),
  });
  const cpu = {
    emulator: [before.emulator, sampleProcess(pids.emulator)] as [ProcSample, ProcSample],
    self: [before.self, sampleSelf()] as [ProcSample, ProcSample],
    ...(pids.app && before.app
      ? { app: [before.app, sampleProcess(pids.app)] as [ProcSample, ProcSample] }
      : {}),
  };
  return phaseReport(result, steps, cpu);
}

/** A fresh emulator per phase: both start from the same state (its token registry grows). */
async function withEmulator<T>(
  run: (
    emulator: EmulatorChild,
    settings: ProvisionSettings,
    redirectUri: string,
    port: number,
  ) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulatorChild();
  try {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const settings = await provisionEmulator(emulator, redirectUri);
    return await run(emulator, settings, redirectUri, port);
  } finally {
    await emulator.stop();
  }
}

/**
 * The PingOne calls' own time per approval (warm-up included: the same approvals), from the
 * app's `pingone.call` events, and what the relying party adds on top of it at p50.
 */
function pingoneTimes(calls: CallTimes, app: PhaseReport) {
  const steps = Object.entries(calls.steps).map(([step, s]) => ({
    step,
    calls: s.calls,
    meanMs: round(s.totalMs / Math.max(1, s.calls), 2),
  }));
  const total = Object.values(calls.steps).reduce((sum, s) => sum + s.totalMs, 0);
  const msPerApproval = round(total / Math.max(1, calls.approvals), 2);
  return {
    approvals: calls.approvals,
    steps,
    msPerApproval,
    ownMsAtP50: round(app.latencyMs.approval!.p50 - msPerApproval, 2),
  };
}

function newestProfile(since: number): string | undefined {
  const files = readdirSync(RESULTS)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(RESULTS, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

function printTable(report: {
  options: Options;
  runtime: string;
  baseline?: PhaseReport;
  app: PhaseReport;
  memory: MemoryReport;
  ratio?: number;
  targets: Array<{ name: string; target: string; value: string; met: boolean | null }>;
  profile?: { file: string; summary: ProfileSummary };
  loadAtStart: number[];
  busyAtStart: number;
}): void {
  const { app, baseline, memory } = report;
  const line = (cells: Array<string | number>, widths: number[]) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!)))
      .join('  ');
  const w = [24, 9, 9, 9, 9];
  const table = (title: string, phase: PhaseReport, steps: readonly string[]) => {
    console.log(
      `\n${title}: ${phase.approvals} approvals in ${(phase.durationMs / 1000).toFixed(1)} s = ${phase.approvalsPerSecond}/s` +
        (phase.failures ? `, ${phase.failures} FAILED` : ''),
    );
    console.log(line(['latency (ms)', 'p50', 'p95', 'p99', 'max'], w));
    for (const step of [...steps, 'approval']) {
      const p = phase.latencyMs[step]!;
      console.log(line([step, p.p50, p.p95, p.p99, p.max], w));
    }
    const cpu = phase.cpuMsPerApproval;
    console.log(
      `CPU per approval (ms): ${cpu.app !== undefined ? `app ${cpu.app}, ` : ''}emulator ${cpu.emulator}, load generator ${cpu.loadGenerator}`,
    );
  };
  console.log(
    `\nBenchmark: ${report.options.clients} clients, ${cpus().length} cores, ${process.version}, app via ${report.runtime}, LOG_LEVEL=${report.options.logLevel}${report.options.freshSessions ? ', fresh sessions' : ''}; load average ${report.loadAtStart.join(' ')}, ${Math.round(report.busyAtStart * 100)}% busy at start`,
  );
  if (baseline) table('Baseline (4 PingOne calls, no relying party)', baseline, BASELINE_STEPS);
  table(
    report.options.yardstick
      ? `Yardstick ${report.options.yardstick}: ${YARDSTICK_LABELS[report.options.yardstick]} (5 pages, 4 PingOne calls)`
      : 'App (5 pages, 4 PingOne calls)',
    app,
    APP_PAGES,
  );
  console.log(
    `App RSS (MB): start ${memory.rssAtStartMb}, after warm-up ${memory.rssAfterWarmupMb}, end ${memory.rssAtEndMb}, peak ${memory.peakRssMb}; growth ${memory.growthMb} (${memory.growthPer10kMb} per 10,000), ${memory.growthAfterFirstTenthMb} after the first tenth`,
  );
  if (report.profile) {
    console.log(
      `\nCPU profile ${report.profile.file} (${report.profile.summary.totalMs} ms sampled), by package:`,
    );
    for (const p of report.profile.summary.packages.slice(0, 12))
      console.log(`  ${String(p.percent).padStart(5)}%  ${p.name}`);
    console.log('by function (self):');
    for (const f of report.profile.summary.functions.slice(0, 15))
      console.log(`  ${String(f.percent).padStart(5)}%  ${f.name}  ${f.where}`);
  }
  console.log(
    report.options.yardstick
      ? '\nTargets (set for the app, here applied to the yardstick):'
      : '\nTargets:',
  );
  for (const t of report.targets) {
    const verdict = t.met === null ? 'not judged' : t.met ? 'met' : 'MISSED';
    console.log(
      `  ${t.name.padEnd(28)} ${t.value.padStart(12)}  target ${t.target.padEnd(8)} ${verdict}`,
    );
  }
}

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const opts = options;
  mkdirSync(RESULTS, { recursive: true });
  const startedAt = new Date();
  // Other work on the machine skews every figure here: it is recorded with the results.
  const loadAtStart = loadavg().map((n) => round(n, 2));
  const busyAtStart = round(await machineBusy(), 2);
  if (busyAtStart > 0.25) {
    process.stderr.write(
      `bench: the machine is busy (other work used ${Math.round(busyAtStart * 100)}% of its ${cpus().length} cores over half a second): figures will be low\n`,
    );
  }
  const http = createHttpClient(opts.clients * 2);

  let baseline: PhaseReport | undefined;
  if (!opts.skipBaseline) {
    baseline = await withEmulator(async (emulator, settings, redirectUri) => {
      const approval = baselineApproval({
        http,
        settings,
        location: emulator.info,
        redirectUri,
        otpFor: (marker) => emulator.otpFor(marker),
      });
      return measure('baseline', approval, opts, { emulator: emulator.pid }, BASELINE_STEPS);
    });
  }

  const profileSince = Date.now();
  const runtime = opts.yardstick
    ? `yardstick ${opts.yardstick} (tsx)`
    : opts.appDir
      ? `${opts.appDir}/dist (built)`
      : opts.built
        ? 'dist/ (built)'
        : 'tsx';
  let calls: CallTimes | undefined;
  const { app, memory } = await withEmulator(async (emulator, settings, redirectUri, port) => {
    const appProcess = opts.yardstick
      ? await startYardstickProcess(opts.yardstick, {
          settings,
          location: emulator.info,
          redirectUri,
          port,
        })
      : await startAppProcess({
          port,
          emulator: emulator.info,
          settings,
          logLevel: opts.logLevel,
          built: opts.built,
          nodeArgs: opts.appNodeArgs,
          env: opts.appEnv,
          ...(opts.appDir ? { appDir: opts.appDir } : {}),
          ...(opts.cpuProf ? { cpuProfDir: RESULTS } : {}),
        });
    try {
      const atStart = sampleProcess(appProcess.pid);
      let afterWarmup = atStart;
      const rssTimelineMb: number[] = [];
      const approval = appApproval({
        http,
        url: appProcess.url,
        clients: opts.clients,
        freshSessions: opts.freshSessions,
        otpFor: (marker) => emulator.otpFor(marker),
      });
      const phase = await measure(
        'app',
        approval,
        opts,
        { emulator: emulator.pid, app: appProcess.pid },
        APP_PAGES,
        () => (afterWarmup = sampleProcess(appProcess.pid)),
        () => {
          const rss = mb(sampleProcess(appProcess.pid).rssBytes);
          rssTimelineMb.push(rss);
          return `(app RSS ${rss} MB)`;
        },
      );
      const end = sampleProcess(appProcess.pid);
      const growth = end.rssBytes - afterWarmup.rssBytes;
      return {
        app: phase,
        memory: {
          rssAtStartMb: mb(atStart.rssBytes),
          rssAfterWarmupMb: mb(afterWarmup.rssBytes),
          rssAtEndMb: mb(end.rssBytes),
          peakRssMb: mb(end.peakRssBytes),
          growthMb: mb(growth),
          growthPer10kMb: mb((growth / Math.max(1, phase.approvals)) * 10_000),
          rssTimelineMb,
          // The V8 heap is still growing to its working size early on: this is the slope after.
          growthAfterFirstTenthMb: round(
            mb(end.rssBytes) - (rssTimelineMb[0] ?? mb(end.rssBytes)),
            1,
          ),
        } satisfies MemoryReport,
      };
    } finally {
      calls = (await appProcess.stop()) ?? undefined;
    }
  });
  http.close();

  const pingone = calls && pingoneTimes(calls, app);
  const ratio = baseline
    ? round(app.approvalsPerSecond / baseline.approvalsPerSecond, 3)
    : undefined;
  const cpuMs = app.cpuMsPerApproval.app ?? 0;
  const targets = [
    {
      name: 'app / baseline rate',
      target: `≥ ${TARGETS.ratio}`,
      value: ratio === undefined ? 'n/a' : String(ratio),
      met: ratio === undefined ? null : ratio >= TARGETS.ratio,
    },
    {
      name: 'app CPU per approval',
      target: '≤ stack',
      value: `${cpuMs} ms`,
      // One run has no yardstick beside it: bench/ladder.ts judges this one.
      met: null,
    },
    {
      name: 'RSS growth per 10,000',
      target: `≤ ${TARGETS.rssGrowthMbPer10k} MB`,
      value: `${opts.approvals >= 10_000 ? memory.growthMb : memory.growthPer10kMb} MB`,
      // Extrapolating a short run says little about memory: judged on 10,000 or more only.
      met: opts.approvals >= 10_000 ? memory.growthMb <= TARGETS.rssGrowthMbPer10k : null,
    },
  ];

  let profile: { file: string; summary: ProfileSummary } | undefined;
  if (opts.cpuProf) {
    const file = newestProfile(profileSince);
    if (file) profile = { file, summary: summarizeProfile(file) };
  }

  const report = {
    startedAt: startedAt.toISOString(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      node: process.version,
      platform: process.platform,
      loadAverageAtStart: loadAtStart,
      busyAtStart,
      loadAverageAtEnd: loadavg().map((n) => round(n, 2)),
    },
    options: opts,
    runtime,
    ...(baseline ? { baseline } : {}),
    app,
    ...(pingone ? { pingone } : {}),
    memory,
    ...(ratio !== undefined ? { ratio } : {}),
    targets,
    ...(profile ? { profile } : {}),
  };
  printTable({ ...report, loadAtStart, busyAtStart });
  if (pingone) {
    console.log(
      `PingOne as the app timed it (pingone.call events): ${pingone.msPerApproval} ms per approval; the app's own time at p50 ≈ ${pingone.ownMsAtP50} ms`,
    );
  }
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const name = `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(join(RESULTS, name), json);
  writeFileSync(join(RESULTS, 'latest.json'), json);
  console.log(`\nWrote ${join(RESULTS, name)} and ${join(RESULTS, 'latest.json')}`);
  const failed = (baseline?.failures ?? 0) + app.failures;
  if (failed) {
    console.error(
      `${failed} approvals failed; first errors:\n  ${[...(baseline?.errors ?? []), ...app.errors].join('\n  ')}`,
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The benchmark failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
