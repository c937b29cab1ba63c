/**
 * The server as its own process in production mode (`NODE_ENV=production`, embedded demo, SQLite),
 * as the demo image runs it (`DEMO=1`): what clients see while it starts, what its log looks like from the first
 * line, and how it stops while a client holds an idle connection open.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { spawnApp } from '../../scripts/soak/app-process.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';

type Spawned = ReturnType<typeof spawnApp>;
const running: Spawned[] = [];

afterEach(() => {
  for (const app of running.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  }
});

/** The image's settings, the demo opted in; `extra` adds or overrides (`DEMO: ''` unsets it). */
async function production(extra: Record<string, string> = {}) {
  const port = await freePort();
  const emulatorPort = await freePort();
  const host = extra.HOST ?? '127.0.0.1';
  const dataDir = mkdtempSync(join(tmpdir(), 'txa-lifecycle-'));
  const app = spawnApp({
    NODE_ENV: 'production',
    DEMO: '1',
    HOST: host,
    PORT: String(port),
    BASE_URL: `http://${host}:${port}`,
    EMULATOR_PORT: String(emulatorPort),
    DATA_DIR: dataDir,
    ...extra,
  });
  running.push(app);
  return { ...app, url: `http://${host}:${port}`, dataDir, emulatorPort };
}

/** The status of the emulator's SMS outbox at `host`, or `refused`. */
async function outbox(host: string, port: number): Promise<number | 'refused'> {
  try {
    const res = await fetch(`http://${host}:${port}/__emulator/sms`);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'refused';
  }
}

type Outcome = { status: number; retryAfter: string | null } | 'refused' | 'no answer';

/** One GET /healthz; a request accepted and never answered shows as `no answer`. */
async function probe(url: string): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'no answer' : 'refused';
  }
}

/** Probes every 20 ms from the spawn until one gets 200 (deadline 60 s). */
async function probeUntilReady(app: { url: string; child: Spawned['child'] }) {
  const pending: Promise<Outcome>[] = [];
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready && Date.now() < deadline && app.child.exitCode === null) {
    pending.push(
      probe(app.url).then((outcome) => {
        if (typeof outcome === 'object' && outcome.status === 200) ready = true;
        return outcome;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ready, outcomes: await Promise.all(pending) };
}

function jsonLines(output: string): unknown[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return `not JSON: ${line}`;
      }
    });
}

describe('the server process in production', () => {
  it('answers every request while it starts: 503 with Retry-After until ready, then 200', async () => {
    const app = await production();
    const { ready, outcomes } = await probeUntilReady(app);
    expect(ready, app.output()).toBe(true);
    expect(outcomes.filter((o) => o === 'no answer')).toEqual([]);
    const answered = outcomes.filter((o): o is Exclude<Outcome, string> => typeof o === 'object');
    for (const o of answered.filter((a) => a.status !== 200)) {
      expect(o).toEqual({ status: 503, retryAfter: '1' });
    }
  }, 90_000);

  it('logs only JSON lines, from the first one to the last', async () => {
    const app = await production();
    expect((await probeUntilReady(app)).ready, app.output()).toBe(true);
    app.child.kill('SIGTERM');
    await app.exited;
    const lines = jsonLines(app.output());
    expect(lines.filter((l) => typeof l === 'string')).toEqual([]);
    expect(lines[0]).toMatchObject({ event: 'ready', mode: 'embedded', store: 'sqlite' });
  }, 90_000);

  it('logs a configuration problem as JSON too', async () => {
    const app = await production({ PORT: 'not-a-port' });
    expect(await app.exited).toBe(2);
    const lines = jsonLines(app.output());
    expect(lines.filter((l) => typeof l === 'string')).toEqual([]);
    expect(lines[0]).toMatchObject({ errorCode: 'CONFIG_INVALID', problems: [expect.any(String)] });
  }, 60_000);

  it('without DEMO=1 never becomes the demo: exit 2, one JSON line naming the settings', async () => {
    const app = await production({ DEMO: '' });
    expect(await app.exited).toBe(2);
    const lines = jsonLines(app.output());
    expect(lines).toEqual([
      expect.objectContaining({ errorCode: 'CONFIG_INVALID', problems: [expect.any(String)] }),
    ]);
    const [problem] = (lines[0] as { problems: string[] }).problems;
    expect(problem).toContain('PINGONE_ENVIRONMENT_ID, PINGONE_CLIENT_ID');
    expect(problem).toContain('or DEMO=1');
  }, 60_000);

  // 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 does not answer there: it stands
  // for the container's public interface.
  it('binds the emulator to loopback, not where HOST binds the app, unless EMULATOR_HOST says so', async () => {
    const app = await production({ HOST: '127.0.0.2' });
    expect((await probeUntilReady(app)).ready, app.output()).toBe(true);
    expect(await outbox('127.0.0.1', app.emulatorPort)).toBe(200);
    expect(await outbox('127.0.0.2', app.emulatorPort)).toBe('refused');
    app.child.kill('SIGTERM');
    await app.exited;
    const opted = await production({ HOST: '127.0.0.2', EMULATOR_HOST: '127.0.0.2' });
    expect((await probeUntilReady(opted)).ready, opted.output()).toBe(true);
    expect(await outbox('127.0.0.2', opted.emulatorPort)).toBe(200);
    expect(await outbox('127.0.0.1', opted.emulatorPort)).toBe('refused');
  }, 120_000);

  it('stops within 2 s of SIGTERM with exit 0 and closed stores, while a client holds an idle connection', async () => {
    const app = await production();
    expect((await probeUntilReady(app)).ready, app.output()).toBe(true);
    // A browser's preconnect: a connection that sends nothing.
    const { port } = new URL(app.url);
    const idle: Socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) =>
      idle.once('connect', resolve).once('error', reject),
    );
    const closedByServer = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    idle.on('error', () => {});
    try {
      const started = Date.now();
      app.child.kill('SIGTERM');
      const code = await Promise.race([
        app.exited,
        new Promise<'still running'>((resolve) =>
          setTimeout(() => resolve('still running'), 10_000),
        ),
      ]);
      const took = Date.now() - started;
      expect(code).toBe(0);
      expect(took).toBeLessThan(2_000);
      await closedByServer;
      // Closing the last SQLite connection checkpoints and removes the write-ahead log.
      expect(existsSync(join(app.dataDir, `${SQLITE_FILE_NAME}-wal`))).toBe(false);
      expect(jsonLines(app.output())).toContainEqual(
        expect.objectContaining({ msg: 'stopped: connections and stores closed' }),
      );
    } finally {
      idle.destroy();
    }
  }, 90_000);
});
