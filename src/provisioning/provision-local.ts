import { EMBEDDED_PHONE, type RelyingPartySettings, type WorkerCredentials } from '../config.js';
import { provision } from './provision.js';

export interface LocalPingOne {
  environmentId: string;
  apiUrl: string;
  authUrl: string;
  worker: WorkerCredentials;
}

// The same plan as `npm run setup`, so the demo and the tests exercise it; a failed self-check throws.
export async function provisionLocal(
  pingone: LocalPingOne,
  options: { username: string; prefix: string; redirectUri: string; timeoutMs?: number },
) {
  const location = {
    environmentId: pingone.environmentId,
    region: 'com' as const,
    apiUrl: pingone.apiUrl,
    authUrl: pingone.authUrl,
  };
  const result = await provision({
    location,
    worker: pingone.worker,
    phone: EMBEDDED_PHONE,
    ...options,
  });
  if (!result.ok) {
    const failed = result.selfCheck?.checks.filter((c) => !c.ok) ?? [];
    const list = failed.map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ''}`).join('; ');
    throw new Error(`the local PingOne failed setup's self-check: ${list}`);
  }
  const s = result.settings;
  const settings: RelyingPartySettings = {
    ...location,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    username: s.username,
    templateVariant: s.templateVariant,
    policyName: s.policyName,
  };
  return { settings, envValues: result.envValues, userId: s.userId, provisioned: s };
}
