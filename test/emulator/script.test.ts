import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { parseEnvFile } from '../../src/env-file.js';

/** Starts the script and answers once it printed everything (its last line). */
async function startScript(...args: string[]) {
  return startScriptWith({}, ...args);
}

async function startScriptWith(env: Record<string, string>, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/emulator.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('Stop with')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, out };
}

describe('npm run emulator (scripts/emulator.ts)', () => {
  it('prints the worker credentials and both base URLs, serves them, and stops on SIGINT', async () => {
    const { child, out } = await startScript('--port', '0');
    const value = (key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(out)?.[1];
    const api = value('PINGONE_API_URL')!;
    const auth = value('PINGONE_AUTH_URL')!;
    const env = value('PINGONE_ENVIRONMENT_ID')!;
    expect(api).toBe(`${auth}/v1`);
    expect(auth).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain(`${auth}/__emulator/phone`);
    const basic = Buffer.from(
      `${value('PINGONE_WORKER_CLIENT_ID')}:${value('PINGONE_WORKER_CLIENT_SECRET')}`,
    ).toString('base64');
    const token = await fetch(`${auth}/${env}/as/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('names its --public-url in issuer and settings, and writes them with --write-env', async () => {
    const envPath = join(mkdtempSync(join(tmpdir(), 'emulator-env-')), 'emulator.env');
    const port = await freePort();
    const { child, out } = await startScript(
      '--port',
      String(port),
      '--public-url',
      'http://emulator.test:3001/',
      '--write-env',
      envPath,
    );
    const written = parseEnvFile(readFileSync(envPath, 'utf8'));
    expect(written).toMatchObject({
      PINGONE_API_URL: 'http://emulator.test:3001/v1',
      PINGONE_AUTH_URL: 'http://emulator.test:3001',
      PINGONE_WORKER_CLIENT_ID: expect.any(String),
      PINGONE_WORKER_CLIENT_SECRET: expect.any(String),
    });
    expect(out).toContain('PingOne emulator listening on http://emulator.test:3001');
    expect(out).toContain(`Settings written to ${envPath}`);
    // It listens on --port; what it tells clients names the public URL.
    const discovery = await fetch(
      `http://127.0.0.1:${port}/${written.PINGONE_ENVIRONMENT_ID}/as/.well-known/openid-configuration`,
    );
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(
      `http://emulator.test:3001/${written.PINGONE_ENVIRONMENT_ID}/as`,
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('writes --write-env with mode 0600, never through a link planted at its old temporary name', async () => {
    const envPath = join(mkdtempSync(join(tmpdir(), 'emulator-env-')), 'emulator.env');
    const victim = join(mkdtempSync(join(tmpdir(), 'victim-')), 'victim');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, `${envPath}.tmp`);
    const { child } = await startScript('--port', '0', '--write-env', envPath);
    try {
      expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
      expect(statSync(envPath).mode & 0o777).toBe(0o600);
      expect(parseEnvFile(readFileSync(envPath, 'utf8')).PINGONE_WORKER_CLIENT_SECRET).toBeTruthy();
    } finally {
      child.kill('SIGINT');
    }
  });

  // 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 does not answer there.
  it('binds loopback by default, and where EMULATOR_HOST says', async () => {
    const reach = (host: string, port: number) =>
      fetch(`http://${host}:${port}/__emulator/sms`).then(
        (r) => r.status,
        () => 'refused',
      );
    const port = await freePort();
    const loopback = await startScript('--port', String(port));
    try {
      expect(await reach('127.0.0.1', port)).toBe(200);
      expect(await reach('127.0.0.2', port)).toBe('refused');
    } finally {
      loopback.child.kill('SIGINT');
      await new Promise((resolve) => loopback.child.once('exit', resolve));
    }
    const chosen = await startScriptWith({ EMULATOR_HOST: '127.0.0.2' }, '--port', String(port));
    try {
      expect(await reach('127.0.0.2', port)).toBe(200);
    } finally {
      chosen.child.kill('SIGINT');
    }
  });

  it('refuses a bad --public-url with exit code 2', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/emulator.ts', '--port', '0', '--public-url', 'ftp://x'],
      { stdio: 'ignore' },
    );
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(2);
  });

  it('refuses a bad --port with exit code 2', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/emulator.ts', '--port', 'x'],
      { stdio: 'ignore' },
    );
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(2);
  });
});

describe('the emulator boundary', () => {
  it('imports nothing from the rest of src/', () => {
    const dir = join(process.cwd(), 'src', 'emulator');
    for (const file of readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const s of specifiers)
        expect(s.startsWith('./') || !s.startsWith('.'), `${file}: ${s}`).toBe(true);
    }
  });
});
