import { randomBytes } from 'node:crypto';
import { EMBEDDED_PHONE, type RelyingPartySettings } from '../../src/config.js';
import { startEmulator, type RunningEmulator, type Variants } from '../../src/emulator/index.js';
import { provisionLocal } from '../../src/provisioning/provision-local.js';
import type { ProvisionSettings } from '../../src/provisioning/provision.js';

export interface ProvisionedEmulator {
  emulator: RunningEmulator;
  settings: ProvisionSettings;
  /** What an in-process app needs (`AppConfig.pingone`). */
  relyingParty: RelyingPartySettings;
  /** The demo user's id (the ID token's `sub`). */
  userId: string;
  /** The phone the demo user's SMS go to. */
  phone: string;
  /**
   * The environment of an app in PingOne mode pointed at this emulator, as `npm run setup`
   * would write it, plus BASE_URL and one SESSION_SECRET that every instance shares.
   */
  env: Record<string, string>;
}

/**
 * A local PingOne on an ephemeral loopback port, provisioned with the plan `npm run setup` runs.
 * It lives in the caller's process, apart from the app: an app restart keeps PingOne's flows.
 */
export async function startProvisionedEmulator(
  options: { baseUrl?: string; variants?: Partial<Variants> } = {},
): Promise<ProvisionedEmulator> {
  // The own-code-form flow never sends a browser to BASE_URL; it only has to match the
  // redirect URI provisioned for the application (sent on authorize and token).
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3999';
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    variants: options.variants ?? {},
    onError: () => {},
  });
  try {
    const local = await provisionLocal(emulator, {
      username: 'txapproval-durable',
      prefix: 'TxDurable',
      redirectUri: `${baseUrl}/callback`,
    });
    return {
      emulator,
      settings: local.provisioned,
      relyingParty: local.settings,
      userId: local.userId,
      phone: EMBEDDED_PHONE,
      env: {
        BASE_URL: baseUrl,
        SESSION_SECRET: randomBytes(32).toString('hex'),
        ...local.envValues,
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
