import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProvisionSettings } from '../src/provisioning/provision.js';
import { serverCommand } from '../scripts/server-command.js';
import { LOAD_TEST_LIMITS } from '../scripts/soak/app-process.js';
import { TSX_IMPORT } from './emulator-child.js';

export interface AppProcess {
  pid: number;
  url: string;
  /**
   * SIGTERM, then the app's graceful shutdown (which also writes a --cpu-prof profile); answers
   * the PingOne calls as the app timed them (bench/call-times.mjs).
   */
  stop(): Promise<CallTimes | undefined>;
}

/** What bench/call-times.mjs wrote: the app's PingOne calls, summed per step. */
export interface CallTimes {
  approvals: number;
  steps: Record<string, { calls: number; totalMs: number }>;
}

const CALL_TIMES = pathToFileURL(fileURLToPath(new URL('./call-times.mjs', import.meta.url))).href;

export interface AppProcessOptions {
  port: number;
  emulator: { environmentId: string; apiUrl: string; authUrl: string };
  settings: ProvisionSettings;
  logLevel: string;
  built: boolean;
  /** Directory for a V8 CPU profile of the app (`--cpu-prof`), if wanted. */
  cpuProfDir?: string;
  /** More node options for the app (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  nodeArgs?: string[];
  /** More settings, as the image would get them with `-e` (e.g. METRICS_PORT). */
  env?: Record<string, string>;
  /**
   * The package whose build and Dockerfile to run (`npm run bench:compare` builds two): this
   * repository by default.
   */
  appDir?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the relying party in a process of its own, in PingOne mode pointed at the emulator,
 * configured only through its environment as in production. Its working directory is a fresh
 * temporary one, so that no `.env` or data of the project's is picked up.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  // The image's node options and entry point (Dockerfile CMD), in both modes.
  const appDir = options.appDir ?? ROOT;
  const [, ...command] = serverCommand(join(appDir, 'Dockerfile'));
  const built = join(appDir, command.at(-1) ?? 'dist/src/server.js');
  if (options.built && !existsSync(built)) throw new Error(`--built needs ${built}: npm run build`);
  const entry = options.built ? built : join(ROOT, 'src/server.ts');
  const args = [
    ...(options.built ? [] : ['--import', TSX_IMPORT]),
    ...command.slice(0, -1),
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    ...(options.nodeArgs ?? []),
    // Subscribes to the app's pingone.call channel: how long PingOne took, as the app saw it.
    '--import',
    CALL_TIMES,
    entry,
  ];
  const s = options.settings;
  const cwd = mkdtempSync(join(tmpdir(), 'bench-app-'));
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ...LOAD_TEST_LIMITS,
      LOG_LEVEL: options.logLevel,
      HOST: '127.0.0.1',
      PORT: String(options.port),
      BASE_URL: url,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: join(cwd, 'data'),
      BENCH_CALL_TIMES: join(cwd, 'call-times.json'),
      PINGONE_ENVIRONMENT_ID: options.emulator.environmentId,
      PINGONE_API_URL: options.emulator.apiUrl,
      PINGONE_AUTH_URL: options.emulator.authUrl,
      PINGONE_CLIENT_ID: s.clientId,
      PINGONE_CLIENT_SECRET: s.clientSecret,
      PINGONE_USERNAME: s.username,
      PINGONE_TEMPLATE_VARIANT: s.templateVariant,
      PINGONE_POLICY_NAME: s.policyName,
      ...options.env,
    },
  });
  // The runner may die on an error: never leave the app behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      process.off('exit', killOnExit);
      resolve();
    }),
  );

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the app exited (${exited}) before it was ready`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the app did not answer /healthz within 30 s');
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }

  return {
    pid: child.pid!,
    url,
    async stop() {
      if (exited !== undefined) return undefined;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
      let times: CallTimes | undefined;
      try {
        times = JSON.parse(readFileSync(join(cwd, 'call-times.json'), 'utf8')) as CallTimes;
      } catch {
        // Killed before it could write: no PingOne times for this run.
      }
      rmSync(cwd, { recursive: true, force: true });
      return times;
    },
  };
}
