import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/index.js';
import { provision, type Provisioned } from '../emulator/fixture.js';
import { forFile } from './for-file.js';

/** A fresh emulator on an ephemeral loopback port; close it in afterAll/afterEach. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ ...options, port: 0, host: '127.0.0.1' });
}

export type ProvisionOptions = Parameters<typeof provision>[1];

/** A fresh emulator with steps 1–15 done by the emulator tests' own fixture calls. */
export async function startProvisionedTestEmulator(
  options: EmulatorOptions = {},
  provisionOptions: ProvisionOptions = {},
): Promise<{ em: RunningEmulator; p: Provisioned }> {
  const em = await startTestEmulator(options);
  try {
    return { em, p: await provision(em, provisionOptions) };
  } catch (error) {
    await em.close();
    throw error;
  }
}

/**
 * For the top level of a test file: `const { em, p } = await emulatorForFile();` starts and
 * provisions one emulator while the file is collected and closes it after the file's tests.
 */
export function emulatorForFile(
  options: EmulatorOptions = {},
  provisionOptions: ProvisionOptions = {},
): Promise<{ em: RunningEmulator; p: Provisioned }> {
  return forFile(
    () => startProvisionedTestEmulator(options, provisionOptions),
    ({ em }) => em.close(),
  );
}
