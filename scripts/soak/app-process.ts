import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../free-port.js';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
/** `--import tsx` as a URL, so the child resolves it from any working directory. */
const TSX = import.meta.resolve('tsx');

export interface AppProcess {
  pid: number;
  url: string;
  /** stdout and stderr so far (diagnostics and the startup lines). */
  output(): string;
  /** Resident set size of the process, from /proc (Linux), in bytes. */
  rss(): number | undefined;
  /** SIGKILL: no shutdown code runs, as in a crash or `kill -9`. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown. */
  stop(): Promise<number | null>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Rate limits high enough for a load generator: many approvals from one address for one user,
 * all through one environment, are what the limits exist to stop (src/http/rate-limit.ts), and
 * not what a soak measures.
 */
export const LOAD_TEST_LIMITS = {
  RATE_LIMIT_SMS: '1000000/1000000/1000000',
  RATE_LIMIT_SMS_ENVIRONMENT: '1000000',
  RATE_LIMIT_CODE: '1000000/1000000/1000000',
};

/**
 * `node --import tsx src/server.ts` as its own process, configured only by `env` (nothing of the
 * parent's environment but PATH and HOME). Its working directory is a fresh temporary one so no
 * `.env` of the project is read. Answers once /healthz answers, or throws with the output.
 */
export function spawnApp(env: Record<string, string>, cwd?: string) {
  const child = spawn(process.execPath, ['--import', TSX, SERVER], {
    cwd: cwd ?? mkdtempSync(join(tmpdir(), 'txa-app-')),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exited: exited(child) };
}

export async function startAppProcess(
  env: Record<string, string>,
  options: { port?: number; cwd?: string; readyTimeoutMs?: number } = {},
): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const {
    child,
    output,
    exited: done,
  } = spawnApp(
    { HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...LOAD_TEST_LIMITS, ...env, PORT: String(port) },
    options.cwd,
  );
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the app exited (${child.exitCode}) before it was ready:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not answer /healthz in time:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
  return {
    pid,
    url,
    output,
    rss() {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
        return kb ? Number(kb) * 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      await done;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
      return done;
    },
  };
}
