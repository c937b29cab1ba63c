import { EMBEDDED_PHONE } from '../src/config.js';
import { provision, type ProvisionSettings } from '../src/pingone/provisioning.js';
import type { EmulatorChild } from './emulator-child.js';

export const BENCH_USERNAME = 'txapproval-bench';

/** Provisions the emulator with the same plan `npm run setup` runs against PingOne. */
export async function provisionEmulator(
  emulator: EmulatorChild,
  redirectUri: string,
): Promise<ProvisionSettings> {
  const { info } = emulator;
  const result = await provision({
    location: {
      environmentId: info.environmentId,
      region: 'com',
      apiUrl: info.apiUrl,
      authUrl: info.authUrl,
    },
    worker: info.worker,
    phone: EMBEDDED_PHONE,
    username: BENCH_USERNAME,
    redirectUri,
    prefix: 'TxBench',
  });
  if (!result.ok) throw new Error('provisioning the emulator did not pass its self-check');
  return result.settings;
}
