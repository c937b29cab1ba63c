export const REGIONS = ['com', 'ca', 'eu', 'com.au', 'sg', 'asia'] as const;
export type Region = (typeof REGIONS)[number];

export type Env = Record<string, string | undefined>;

export function defaultBaseUrl(port: number): string {
  return `http://localhost:${port}`;
}
/** Each SMS part is billed. */
export const DEFAULT_SMS_MAX_SEGMENTS = 2;

/** A reserved-for-fiction number; embedded mode only. */
export const EMBEDDED_PHONE = '+15555550100';

export interface PingOneLocation {
  environmentId: string;
  region: Region;
  /** Management base including `/v1`. */
  apiUrl?: string;
  /** Auth base without the environment id. */
  authUrl?: string;
}

export interface WorkerCredentials {
  clientId: string;
  clientSecret: string;
  environmentId: string;
}

export interface RelyingPartySettings extends PingOneLocation {
  clientId: string;
  clientSecret: string;
  username: string;
  templateVariant: string;
  policyName: string;
  /** docs/pingone-contract.md §9: send a worker bearer token on /flows calls only when this is set. */
  worker?: WorkerCredentials;
}
