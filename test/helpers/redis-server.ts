import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { freePort } from '../../scripts/free-port.js';

export interface RedisTestServer {
  url: string;
  /** A random prefix for every key this test writes; `stop()` deletes those keys on a shared server. */
  keyPrefix: string;
  /** True when `REDIS_TEST_URL` points at a server this helper did not start. */
  external: boolean;
  /** The redis-server's pid when this helper started it (tests freeze it with SIGSTOP). */
  pid?: number;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Always spawn a private redis-server (tests that stop or restart it). */
  own?: boolean;
  /** Listen on this port (restarting a server where a client expects it); default a free one. */
  port?: number;
  /** Start the server with `--requirepass`; the URL then carries the password. */
  password?: string;
}

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/** One raw PING; true when the server answers +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    // Without AUTH a password-protected server answers -NOAUTH: it is up all the same.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function spawnOn(
  port: number,
  dir: string,
  password?: string,
): Promise<ChildProcess | undefined> {
  const child = spawn(
    REDIS_SERVER,
    [
      ...['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
      ...['--dir', dir, ...(password ? ['--requirepass', password] : [])],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) {
      // Most likely another process took the port between our probe and the spawn.
      if (/Address already in use/i.test(output)) return undefined;
      throw new Error(`redis-server exited (${child.exitCode}): ${output.slice(-500)}`);
    }
    const failed = await Promise.race([
      spawnError,
      new Promise<undefined>((r) => setTimeout(r, 50, undefined)),
    ]);
    if (failed) throw new Error(`cannot start ${REDIS_SERVER}: ${failed.message}`);
    if (await answersPing(port)) return child;
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING: ${output.slice(-500)}`);
}

async function deleteKeys(url: string, keyPrefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 500 })) {
      if (keys.length) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

/**
 * A Redis server for one test file: `REDIS_TEST_URL` when set (CI may provide one; only this
 * test's keys are deleted at the end), otherwise a private, non-persistent redis-server on a free
 * loopback port, killed by its pid on `stop()`.
 */
export async function startRedisServer(options: StartRedisOptions = {}): Promise<RedisTestServer> {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const shared = process.env.REDIS_TEST_URL;
  if (shared && !options.own && options.port === undefined && !options.password) {
    return {
      url: shared,
      keyPrefix,
      external: true,
      stop: () => deleteKeys(shared, keyPrefix),
    };
  }

  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = options.port ?? (await freePort());
    child = await spawnOn(port, dir, options.password);
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('no free port for redis-server after 5 attempts');
  }
  const running = child;
  return {
    url: options.password
      ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`
      : `redis://127.0.0.1:${port}`,
    keyPrefix,
    external: false,
    ...(running.pid !== undefined && { pid: running.pid }),
    async stop() {
      if (running.pid !== undefined && running.exitCode === null)
        process.kill(running.pid, 'SIGKILL');
      await exited(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
