import { afterAll } from 'vitest';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/index.js';
import { provision, type Provisioned } from '../emulator/fixture.js';

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

/** How long a file's emulator may take to start and be provisioned (no hook timeout covers it). */
const FILE_EMULATOR_DEADLINE_MS = 30_000;

/**
 * For the top level of a test file: `const { em, p } = await emulatorForFile();` starts and
 * provisions one emulator while the file is collected and closes it after the file's tests, so
 * every test and helper of the file reads `em` and `p` as plain constants.
 */
export async function emulatorForFile(
  options: EmulatorOptions = {},
  provisionOptions: ProvisionOptions = {},
): Promise<{ em: RunningEmulator; p: Provisioned }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the emulator was not started and provisioned in time')),
      FILE_EMULATOR_DEADLINE_MS,
    );
  });
  const started = startProvisionedTestEmulator(options, provisionOptions);
  try {
    const running = await Promise.race([started, deadline]);
    afterAll(() => running.em.close());
    return running;
  } catch (error) {
    void started.then(
      ({ em }) => em.close(),
      () => {},
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
