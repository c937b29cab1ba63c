import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess } from '../../scripts/soak/app-process.js';
import { Browser } from '../../scripts/soak/browser.js';
import { pingoneForFile } from '../helpers/emulator-apps.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';

/**
 * The SQLite store holds PingOne cookies, PKCE verifiers and nonces: only the app's own user may
 * read it. The app runs as its own process with the usual umask 022, which would leave new files
 * 0644 in a 0755 folder.
 */
const pingone = await pingoneForFile();
let root: string;
const oldUmask = process.umask(0o022);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'txa-modes-'));
});
afterAll(async () => {
  process.umask(oldUmask);
  if (root) rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function modes(dataDir: string) {
  const file = join(dataDir, SQLITE_FILE_NAME);
  return {
    dir: mode(dataDir),
    db: mode(file),
    wal: mode(`${file}-wal`),
    shm: mode(`${file}-shm`),
  };
}

async function runOnce(dataDir: string) {
  const app = await startAppProcess({ ...pingone.env, DATA_DIR: dataDir });
  try {
    // A session write, so the WAL holds something.
    expect((await new Browser(app.url).get('/')).status).toBe(200);
    return modes(dataDir);
  } finally {
    await app.kill();
  }
}

describe('modes of the SQLite store', () => {
  it('a new DATA_DIR is created 0700, store.sqlite and its -wal and -shm 0600', async () => {
    const dataDir = join(root, 'new', 'data');
    expect(await runOnce(dataDir)).toEqual({ dir: '700', db: '600', wal: '600', shm: '600' });
  });

  it('an existing world-readable folder and files are narrowed at start', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir);
    await runOnce(dataDir);
    // As an earlier version of the app left them.
    chmodSync(dataDir, 0o755);
    for (const suffix of ['', '-wal', '-shm']) {
      chmodSync(join(dataDir, `${SQLITE_FILE_NAME}${suffix}`), 0o644);
    }
    expect(modes(dataDir)).toEqual({ dir: '755', db: '644', wal: '644', shm: '644' });
    expect(await runOnce(dataDir)).toEqual({ dir: '700', db: '600', wal: '600', shm: '600' });
  });

  // OpenShift runs the image as an arbitrary uid in group 0 on a folder `node:0` owns with g=u
  // (the Dockerfile): the folder is not the app's to change, and a chmod of it would fail there.
  // This process runs as root in CI, where a chmod of another's folder succeeds, so the test
  // checks that it is not attempted.
  it.runIf(process.getuid?.() === 0)(
    "a folder another user owns (OpenShift's group-0 data folder) is left as it is",
    async () => {
      const dataDir = join(root, 'group0');
      mkdirSync(dataDir);
      chownSync(dataDir, 1000, 0);
      chmodSync(dataDir, 0o775);
      const seen = await runOnce(dataDir);
      expect(seen).toEqual({ dir: '775', db: '600', wal: '600', shm: '600' });
    },
  );
});
