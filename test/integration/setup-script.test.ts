import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { listNamed, setupEnv, tempEnvPath } from './setup-helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SCRIPT = new URL('../../scripts/setup.ts', import.meta.url).pathname;

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  return () => emu.close();
});

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `scripts/setup.ts`; `killWhen` kills it (SIGKILL) once stdout matches. */
function runScript(args: string[], envPath: string, killWhen?: RegExp): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    // `node --import tsx`, as `npm run setup` runs it, in one process (the tsx CLI would fork a
    // child that a SIGKILL of the parent leaves running).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SCRIPT, ...args, '--write-env', envPath],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...setupEnv(emu) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (killWhen?.test(stdout)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('scripts/setup.ts as a process', () => {
  it('killed half-way, the next run finishes the job without duplicates', async () => {
    const envPath = tempEnvPath();
    // Slow every call so that the process is killed with work still in flight.
    emu.handle.addFault({ path: '/*', latencyMs: 150, count: 1_000_000 });
    const killed = await runScript(
      ['--phone', '+15125201234', '--prefix', 'Killed'],
      envPath,
      /application\s+created/,
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(() => statSync(envPath)).toThrow();
    emu.handle.clearFaults();

    const done = await runScript(['--phone', '+15125201234', '--prefix', 'Killed'], envPath);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toMatch(/application\s+reused/);
    expect(done.stdout).toMatch(/self-check\s+passed/);
    expect(done.stdout).toMatch(/\d+ PingOne calls in \d+\.\d s/);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(envPath, 'utf8')).toMatch(/^PINGONE_CLIENT_SECRET=.{32,}$/m);
    for (const [path, key] of [
      ['/applications', 'name'],
      ['/signOnPolicies', 'name'],
      ['/populations', 'name'],
      ['/deviceAuthenticationPolicies', 'name'],
      ['/templates/transaction/contents', 'variant'],
    ] as const) {
      expect(await listNamed(emu, path, 'Killed', key)).toHaveLength(1);
    }
  });

  it('exits 2 on bad configuration before any call', async () => {
    const child = await new Promise<Spawned>((resolve, reject) => {
      const p = spawn(
        process.execPath,
        ['--import', 'tsx', SCRIPT, '--phone', 'nope', '--write-env', tempEnvPath()],
        {
          env: {
            PATH: process.env.PATH ?? '',
            PINGONE_ENVIRONMENT_ID: 'x',
            PINGONE_REGION: 'moon',
          },
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', reject);
      p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    expect(child.code).toBe(2);
    expect(child.stderr).toMatch(/PINGONE_ENVIRONMENT_ID must be a UUID/);
    expect(child.stderr).toMatch(/PINGONE_REGION must be one of/);
    expect(child.stderr).not.toMatch(/\n\s+at /);
    expect(emu.handle.requests()).toEqual([]);
  });
});
