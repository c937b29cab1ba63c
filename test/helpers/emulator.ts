import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/index.js';

/** A fresh emulator on an ephemeral loopback port; close it in afterAll/afterEach. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ ...options, port: 0, host: '127.0.0.1' });
}
