import { randomBytes } from 'node:crypto';
import { DEFAULT_PREFIX, type AppConfig } from './config.js';
import { onCall, type CallEvent } from './pingone/call-events.js';
import { provisionLocal, type LocalPingOne } from './provisioning/provision-local.js';

/**
 * Embedded mode: provisions the emulator with the same steps `npm run setup` runs against
 * PingOne, and collects those calls (this emulator's only) for the inspector's first row.
 */
export async function provisionEmbedded(
  emulator: LocalPingOne & { url: string },
  config: AppConfig,
) {
  const setupCalls: CallEvent[] = [];
  const stopCollecting = onCall(undefined, (call) => {
    if (call.url.startsWith(`${emulator.url}/`)) setupCalls.push(call);
  });
  const local = await provisionLocal(emulator, {
    username: 'txapproval-demo',
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
