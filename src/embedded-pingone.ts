import { randomBytes } from 'node:crypto';
import { DEFAULT_PREFIX, type AppConfig } from './config.js';
import { onCall, type CallEvent } from './pingone/call-events.js';
import { provisionLocal, type LocalPingOne } from './provisioning/provision-local.js';

/** The demo user of embedded mode (the emulator's PingOne environment is created per start). */
export const EMBEDDED_USERNAME = 'txapproval-demo';

export interface EmbeddedPingOne {
  /** The config with the provisioned environment's settings (and a session secret) in it. */
  config: AppConfig;
  userId: string;
  /** Steps 1–15 as the inspector's first row shows them: this emulator's calls only. */
  setupCalls: CallEvent[];
}

/**
 * Embedded mode: provisions the emulator at `emulator.url` with the same steps `npm run setup`
 * runs against PingOne, and collects those calls for the inspector.
 */
export async function provisionEmbedded(
  emulator: LocalPingOne & { url: string },
  config: AppConfig,
): Promise<EmbeddedPingOne> {
  const setupCalls: CallEvent[] = [];
  const stopCollecting = onCall(undefined, (call) => {
    if (call.url.startsWith(`${emulator.url}/`)) setupCalls.push(call);
  });
  const local = await provisionLocal(emulator, {
    username: EMBEDDED_USERNAME,
    prefix: DEFAULT_PREFIX,
    redirectUri: `${config.baseUrl}/callback`,
    timeoutMs: config.timeoutMs,
  }).finally(stopCollecting);
  return {
    config: {
      ...config,
      // No SESSION_SECRET needed: the emulator, and so every flow, lives only as long as this
      // process.
      sessionSecret: config.sessionSecret || randomBytes(32).toString('hex'),
      pingone: local.settings,
    },
    userId: local.userId,
    setupCalls,
  };
}
