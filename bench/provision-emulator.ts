import { provisionLocal } from '../src/provisioning/provision-local.js';
import type { ProvisionSettings } from '../src/provisioning/provision.js';
import type { EmulatorChild } from './emulator-child.js';

export const BENCH_USERNAME = 'txapproval-bench';

/** Provisions the emulator with the same plan `npm run setup` runs against PingOne. */
export async function provisionEmulator(
  emulator: EmulatorChild,
  redirectUri: string,
): Promise<ProvisionSettings> {
  const local = await provisionLocal(emulator.info, {
    username: BENCH_USERNAME,
    prefix: 'TxBench',
    redirectUri,
  });
  return local.provisioned;
}
