import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess, type AppProcess } from '../../scripts/soak/app-process.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-sqlite-database.js';

export interface SqliteAppProcess {
  pingone: ProvisionedEmulator;
  app: AppProcess;
  /** The store file the app writes (DATA_DIR/store.sqlite). */
  file: string;
  close(): Promise<void>;
}

/**
 * The app as its own process in PingOne mode against a provisioned emulator in this process,
 * with its SQLite store in a fresh DATA_DIR; `env` adds or overrides settings.
 */
export async function startSqliteAppProcess(
  env: Record<string, string> = {},
): Promise<SqliteAppProcess> {
  const pingone = await startProvisionedEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), 'txa-sqlite-app-'));
  const cleanUp = async (app?: AppProcess) => {
    await app?.kill();
    await pingone.emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let app: AppProcess;
  try {
    app = await startAppProcess({ ...pingone.env, DATA_DIR: dataDir, ...env });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return { pingone, app, file: join(dataDir, SQLITE_FILE_NAME), close: () => cleanUp(app) };
}
