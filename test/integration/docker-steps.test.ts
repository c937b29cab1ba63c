/**
 * No Docker engine runs in CI, so this test performs the Dockerfile's steps outside Docker: the
 * files its COPY lines name (from the tracked tree, never from what this checkout built or
 * installed), the build stage (`npm run build`), the deps stage (`npm ci --omit=dev`, which
 * compiles better-sqlite3 when no prebuilt binary is reachable: slow, hence the long timeout), and
 * the runtime's command (the Dockerfile's CMD, NODE_ENV=production). Then it does what a
 * user of the image does: health check, one approval, `docker stop` (SIGTERM) while a request is
 * in flight; and the setup command from the same build, whose env file must read the same through
 * `docker run --env-file` (no quote handling) as through the app's own parser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_PHONE } from '../../src/config.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { parseEnvFile } from '../../src/env-file.js';
import { csrfOf, submitCode, submitTransfer, type Agent } from '../helpers/app.js';
import { freePort } from '../../scripts/free-port.js';
import { serverCommand } from '../../scripts/server-command.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** `npm ci --omit=dev` compiles better-sqlite3: about 2-4 minutes on two busy cores. */
const INSTALL_TIMEOUT_MS = 480_000;

interface Stage {
  name: string;
  /** Context paths of `COPY <src…> <dest>` (not `--from`). */
  copies: string[];
  runs: string[];
}

/** The Dockerfile's stages, as far as this test needs them. */
function readDockerfile(): Map<string, Stage> {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = new Map<string, Stage>();
  let current: Stage | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) {
      current = { name: from[1]!, copies: [], runs: [] };
      stages.set(current.name, current);
      continue;
    }
    if (!current) continue;
    const words = line.split(/\s+/);
    if (words[0] === 'COPY' && !words[1]?.startsWith('--')) {
      current.copies.push(...words.slice(1, -1).map((w) => w.replace(/\/$/, '')));
    }
    if (words[0] === 'RUN') current.runs.push(line.slice(4).trim());
  }
  return stages;
}

/** Tracked files plus new ones not ignored (what the next commit holds), that exist. */
function treeFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
    },
  );
  return out
    .toString('utf8')
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
}

/** Copies what `COPY paths` would take from a clean checkout into `dir`. */
function copyContext(files: string[], paths: string[], dir: string): void {
  for (const path of paths) {
    const matching = files.filter((f) => f === path || f.startsWith(`${path}/`));
    expect(matching.length, `COPY ${path}: nothing tracked there`).toBeGreaterThan(0);
    for (const file of matching) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(ROOT, file), join(dir, file));
    }
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `docker run --env-file`: KEY=VALUE taken literally (no quotes removed), `#` lines skipped. */
function dockerEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trimStart();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}

interface BuiltServer {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The runtime stage's CMD with only the variables the image and the test set. */
async function startBuilt(
  dir: string,
  env: Record<string, string>,
  port?: number,
): Promise<BuiltServer> {
  port ??= await freePort();
  const [node, ...args] = serverCommand();
  const child = spawn(node!, args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within 30 s:\n${stdout}${stderr}`)),
      30_000,
    );
    const check = () => {
      if (stdout.includes('Approve a transfer at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) at start:\n${stdout}${stderr}`));
    });
  });
  return { child, url, stdout: () => stdout, exited };
}

/** `docker stop`: SIGTERM, then the exit (bounded, so a hang fails instead of timing out). */
async function stop(server: BuiltServer) {
  server.child.kill('SIGTERM');
  const bound = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no exit within 15 s of SIGTERM')), 15_000).unref(),
  );
  return Promise.race([server.exited, bound]);
}

async function newestOtp(smsUrl: string): Promise<string> {
  const res = await fetch(`${smsUrl}?to=${encodeURIComponent(EMBEDDED_PHONE)}`);
  const messages = (await res.json()) as { otp: string }[];
  if (!messages[0]) throw new Error('no SMS was sent');
  return messages[0].otp;
}

/** GET /, POST /approvals, the code from the SMS, POST /approvals/otp, the result page. */
async function approveOnce(agent: Agent, smsUrl: string) {
  const started = await submitTransfer(agent);
  expect(started.status).toBe(303);
  expect(started.headers.location).toBe('/approvals/otp');
  const otp = await newestOtp(smsUrl);
  const checked = await submitCode(agent, otp);
  expect(checked.status).toBe(303);
  expect(checked.headers.location).toBe('/approvals/result');
  const result = await agent.get('/approvals/result');
  expect(result.text).toContain('Transfer approved');
  const sessionCookie = String(started.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
  return { otp, sessionCookie };
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('.dockerignore', () => {
  it('keeps secrets, data and installed or built files out, and nothing the Dockerfile copies', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const kept of ['.env', '.env.*', '**/.env', '.npmrc', 'data', 'node_modules', 'dist']) {
      expect(ignored, kept).toContain(kept);
    }
    const copied = [...readDockerfile().values()].flatMap((stage) => stage.copies);
    expect(copied).toEqual(expect.arrayContaining(['package-lock.json', 'src', 'views', 'public']));
    for (const path of copied) {
      expect(
        ignored.filter((pattern) => pattern === path || path.startsWith(`${pattern}/`)),
        path,
      ).toEqual([]);
    }
  });
});

describe('the Docker image, its steps run outside Docker', () => {
  let work: string;
  let app: string;

  beforeAll(async () => {
    const stages = readDockerfile();
    const build = stages.get('build');
    const deps = stages.get('deps');
    const runtime = stages.get('runtime');
    if (!build || !deps || !runtime)
      throw new Error('the Dockerfile needs deps, build and runtime stages');
    const files = treeFiles();
    work = mkdtempSync(join(tmpdir(), 'docker-steps-'));
    const buildDir = join(work, 'build');
    app = join(work, 'app');

    // Build stage: its COPY lines, every dependency (this checkout's, as `npm ci` would install
    // them: tsc needs no native module), `npm run build`.
    copyContext(files, build.copies, buildDir);
    symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
    expect(build.runs).toContain('npm run build');
    const built = await run('npm', ['run', 'build'], buildDir);
    expect(built.code, built.output).toBe(0);

    // Deps stage: production dependencies only, from the lockfile.
    const install = deps.runs.find((r) => r.startsWith('npm ci'));
    expect(install).toMatch(/--omit=dev/);
    mkdirSync(app);
    copyContext(files, deps.copies, app);
    // --prefer-offline: CI installed the same lockfile, so the packages come from npm's cache.
    // build_from_source: straight to node-gyp, no attempt to download a prebuilt binary.
    const installed = await run(
      'npm',
      ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'],
      app,
      { ...process.env, npm_config_build_from_source: 'true' },
    );
    expect(installed.code, installed.output).toBe(0);

    // Runtime stage: its own COPY lines plus the build's dist/.
    copyContext(files, runtime.copies, app);
    cpSync(join(buildDir, 'dist'), join(app, 'dist'), { recursive: true });
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs production dependencies only and builds the server and the setup command', () => {
    expect(existsSync(join(app, 'dist/src/server.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/scripts/setup.js'))).toBe(true);
    for (const runtimeDep of ['express', 'better-sqlite3', 'pino', 'redis']) {
      expect(existsSync(join(app, 'node_modules', runtimeDep)), runtimeDep).toBe(true);
    }
    for (const devDep of ['typescript', 'vitest', 'tsx', 'pino-pretty', 'supertest']) {
      expect(existsSync(join(app, 'node_modules', devDep)), devDep).toBe(false);
    }
    expect(existsSync(join(app, 'src')), 'no TypeScript sources in the runtime').toBe(false);
  });

  it('embedded demo: healthz, one approval, JSON logs with request ids, SIGTERM mid-request exits 0', async () => {
    const data = join(work, 'data-embedded');
    const emulatorPort = await freePort();
    const server = await startBuilt(app, { EMULATOR_PORT: String(emulatorPort), DATA_DIR: data });
    try {
      const emulator = `http://127.0.0.1:${emulatorPort}`;
      expect(server.stdout()).toContain(`${emulator}/__emulator/phone`);

      const health = await request(server.url)
        .get('/healthz')
        .set('X-Request-Id', 'docker-steps-1');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', mode: 'embedded' });
      expect(health.headers['x-request-id']).toBe('docker-steps-1');

      const agent = request.agent(server.url);
      const { otp, sessionCookie } = await approveOnce(agent, `${emulator}/__emulator/sms`);

      // A request in flight when `docker stop` comes: PingOne (the emulator) answers slowly.
      await fetch(`${emulator}/__emulator/requests`, { method: 'DELETE' });
      const fault = await fetch(`${emulator}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'GET', path: '^/[^/]+/as/authorize$', latencyMs: 300 }),
      });
      expect(fault.status).toBe(204);
      const second = request.agent(server.url);
      const page = await second.get('/');
      const inFlight = second
        .post('/approvals')
        .type('form')
        .send({ amount: '12.00', currency: 'EUR', payee: 'Late Ltd', _csrf: csrfOf(page.text) })
        .then((r) => r);
      for (;;) {
        const seen = (await (await fetch(`${emulator}/__emulator/requests`)).json()) as {
          path: string;
        }[];
        if (seen.some((r) => r.path.endsWith('/as/authorize'))) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      server.child.kill('SIGTERM');
      const answer = await inFlight;
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/approvals/otp');
      expect(await stop(server)).toEqual({ code: 0, signal: null });

      const lines = jsonLines(server.stdout());
      expect(lines.find((l) => l.msg === 'request' && l.path === '/healthz')).toMatchObject({
        reqId: 'docker-steps-1',
        status: 200,
      });
      const calls = lines.filter((l) => l.event === 'pingone.call');
      expect(calls.map((l) => l.step)).toEqual(
        expect.arrayContaining(['authorize', 'otp.check', 'resume', 'token']),
      );
      for (const call of calls.filter((l) => l.step !== 'discovery')) {
        expect(call).toMatchObject({
          transactionId: expect.any(String),
          reqId: expect.any(String),
        });
      }
      expect(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
      expect(server.stdout()).not.toContain(otp);
      expect(server.stdout()).not.toContain(sessionCookie);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('setup from the same build writes an env file that `docker run --env-file` reads as written', async () => {
    let emulator: RunningEmulator | undefined;
    let server: BuiltServer | undefined;
    try {
      emulator = await startEmulator({ port: 0, host: '127.0.0.1', onError: () => {} });
      const envFile = join(work, 'pingone.env');
      const setupEnv = {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PINGONE_ENVIRONMENT_ID: emulator.environmentId,
        PINGONE_API_URL: emulator.apiUrl,
        PINGONE_AUTH_URL: emulator.authUrl,
        PINGONE_WORKER_CLIENT_ID: emulator.worker.clientId,
        PINGONE_WORKER_CLIENT_SECRET: emulator.worker.clientSecret,
      };
      const port = await freePort();
      const setup = await run(
        'node',
        [
          'dist/scripts/setup.js',
          '--phone',
          EMBEDDED_PHONE,
          '--redirect-uri',
          `http://127.0.0.1:${port}/callback`,
          '--write-env',
          envFile,
        ],
        app,
        setupEnv,
      );
      expect(setup.code, setup.output).toBe(0);

      const written = readFileSync(envFile, 'utf8');
      const asDocker = dockerEnvFile(written);
      expect(asDocker).toEqual(parseEnvFile(written));
      expect(asDocker.PINGONE_CLIENT_SECRET).toBeTruthy();

      server = await startBuilt(
        app,
        {
          ...asDocker,
          SESSION_SECRET: 'docker-steps-session-secret-0123456789abcdef',
          DATA_DIR: join(work, 'data-pingone'),
        },
        port,
      );
      expect((await request(server.url).get('/healthz')).body).toMatchObject({ mode: 'pingone' });
      const { otp } = await approveOnce(
        request.agent(server.url),
        `${emulator.url}/__emulator/sms`,
      );
      expect(await stop(server)).toEqual({ code: 0, signal: null });
      expect(server.stdout()).not.toContain(otp);
      expect(server.stdout()).not.toContain(asDocker.PINGONE_CLIENT_SECRET!);
    } finally {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      await emulator?.close();
    }
  }, 60_000);
});
