import type { RateLimitOverrides } from '../http/rate-limit.js';

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

export interface AppConfig {
  mode: 'pingone' | 'embedded';
  /** In embedded mode the server fills it after provisioning. */
  pingone?: RelyingPartySettings;
  baseUrl: string;
  port: number;
  host: string;
  sessionSecret: string;
  emulatorPort: number;
  emulatorHost: string;
  /** Where browsers and apps reach the emulator when that is not where it listens (compose). */
  emulatorPublicUrl?: string;
  redisUrl?: string;
  approvalUi: 'own' | 'hosted';
  dataDir: string;
  inspector: boolean;
  production: boolean;
  /** `DEMO=1`: a demo on purpose, so production allows embedded mode and plain http. */
  demo: boolean;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  timeoutMs: number;
  sessionPruneIntervalMs: number;
  rateLimits: RateLimitOverrides;
  operatorToken?: string;
  redisTimeoutMs: number;
  trustProxy: false | number | string[];
  smsMaxSegments: number;
  metrics?: MetricsConfig;
  tracing?: TracingConfig;
}

export interface MetricsConfig {
  port: number;
  host: string;
}

export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** The standard `OTEL_*` settings this app reads (docs/operations.md, Traces). */
export interface TracingConfig {
  url: string;
  /** Often a backend's API key, so never logged. */
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: (typeof TRACE_SAMPLERS)[number];
  samplerRatio: number;
  exportDelayMs: number;
}
