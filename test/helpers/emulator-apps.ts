import { afterAll, beforeAll } from 'vitest';
import type { AppDeps } from '../../src/app.js';
import { createStores, type Stores } from '../../src/store/create-stores.js';
import {
  startProvisionedEmulator,
  type ProvisionedEmulator,
} from '../../scripts/soak/provisioned-emulator.js';
import { listenApp, type ListeningApp } from './durable-app.js';
import { forFile } from './for-file.js';

export interface EmulatorApps {
  readonly pingone: ProvisionedEmulator;
  /** One listening instance in PingOne mode on the emulator: `env` over its settings. */
  app(
    env?: Record<string, string>,
    options?: { stores?: Stores; deps?: Partial<AppDeps> },
  ): Promise<ListeningApp>;
  /** Run when the file's tests are done, newest first, before the emulator closes. */
  onClose(close: () => Promise<void>): void;
}

/**
 * For a test file: one provisioned emulator (started before its tests, closed after) and
 * instances of the app on it, each on its own stores (memory unless given), all closed after.
 */
export function appsOnOneEmulator(): EmulatorApps {
  let pingone: ProvisionedEmulator | undefined;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    pingone = await startProvisionedEmulator();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await pingone?.emulator.close();
  });
  return {
    get pingone() {
      if (!pingone) throw new Error('the emulator starts in beforeAll');
      return pingone;
    },
    async app(env = {}, options = {}) {
      const stores = options.stores ?? (await createStores());
      const app = await listenApp({ ...this.pingone.env, ...env }, stores, options.deps ?? {});
      closers.push(
        () => stores.close(),
        () => app.close(),
      );
      return app;
    },
    onClose(close) {
      closers.push(close);
    },
  };
}

/**
 * At a test file's top level: one provisioned emulator (startProvisionedEmulator) for all its
 * tests, closed after them (after the file's own afterAll hooks, which run first).
 */
export function pingoneForFile(
  options: Parameters<typeof startProvisionedEmulator>[0] = {},
): Promise<ProvisionedEmulator> {
  return forFile(
    () => startProvisionedEmulator(options),
    (pingone) => pingone.emulator.close(),
  );
}
