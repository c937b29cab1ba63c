import { randomBytes } from 'node:crypto';
import { EMBEDDED_PHONE } from '../../src/config.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { provision, type ProvisionSettings } from '../../src/pingone/provisioning.js';

export interface ProvisionedEmulator {
  emulator: RunningEmulator;
  settings: ProvisionSettings;
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
  options: { baseUrl?: string } = {},
): Promise<ProvisionedEmulator> {
  // The own-code-form flow never sends a browser to BASE_URL; it only has to match the
  // redirect URI provisioned for the application (sent on authorize and token).
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3999';
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', onError: () => {} });
  try {
    const location = {
      environmentId: emulator.environmentId,
      region: 'com' as const,
      apiUrl: emulator.apiUrl,
      authUrl: emulator.authUrl,
    };
    const result = await provision({
      location,
      worker: emulator.worker,
      phone: EMBEDDED_PHONE,
      username: 'txapproval-durable',
      redirectUri: `${baseUrl}/callback`,
      prefix: 'TxDurable',
    });
    const s = result.settings;
    return {
      emulator,
      settings: s,
      phone: EMBEDDED_PHONE,
      env: {
        BASE_URL: baseUrl,
        SESSION_SECRET: randomBytes(32).toString('hex'),
        PINGONE_ENVIRONMENT_ID: emulator.environmentId,
        PINGONE_API_URL: emulator.apiUrl,
        PINGONE_AUTH_URL: emulator.authUrl,
        PINGONE_CLIENT_ID: s.clientId,
        PINGONE_CLIENT_SECRET: s.clientSecret,
        PINGONE_USERNAME: s.username,
        PINGONE_TEMPLATE_VARIANT: s.templateVariant,
        PINGONE_POLICY_NAME: s.policyName,
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
