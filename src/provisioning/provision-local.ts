import { EMBEDDED_PHONE, type RelyingPartySettings, type WorkerCredentials } from '../config.js';
import { provision, type ProvisionSettings } from './provision.js';

/** A PingOne on this machine (the emulator): its two base URLs and its worker. */
export interface LocalPingOne {
  environmentId: string;
  apiUrl: string;
  authUrl: string;
  worker: WorkerCredentials;
}

export interface LocalProvisioning {
  /** What the relying party needs (`AppConfig.pingone`). */
  settings: RelyingPartySettings;
  /** The same as `npm run setup` writes them to `.env`. */
  envValues: Record<string, string>;
  /** The demo user's id (the ID token's `sub`). */
  userId: string;
  provisioned: ProvisionSettings;
}

/**
 * Provisions a local PingOne with the plan `npm run setup` runs against the real one, so the
 * embedded demo, the tests and the benchmark exercise the same code. The SMS go to the
 * fictional `EMBEDDED_PHONE`. A failed self-check throws: a local PingOne that disagrees with
 * our own setup is a bug to report, not a user error.
 */
export async function provisionLocal(
  pingone: LocalPingOne,
  options: { username: string; prefix: string; redirectUri: string; timeoutMs?: number },
): Promise<LocalProvisioning> {
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
    username: options.username,
    redirectUri: options.redirectUri,
    prefix: options.prefix,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  if (!result.ok) {
    const failed = result.selfCheck?.checks.filter((c) => !c.ok) ?? [];
    const list = failed.map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ''}`).join('; ');
    throw new Error(`the local PingOne failed setup's self-check: ${list}`);
  }
  const s = result.settings;
  return {
    settings: {
      ...location,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      username: s.username,
      templateVariant: s.templateVariant,
      policyName: s.policyName,
    },
    envValues: result.envValues,
    userId: s.userId,
    provisioned: s,
  };
}
