import type { RateLimitOverrides } from '../http/rate-limit.js';

export const REGIONS = ['com', 'ca', 'eu', 'com.au', 'sg', 'asia'] as const;
export type Region = (typeof REGIONS)[number];

export type Env = Record<string, string | undefined>;

/** Where the browser reaches the app when BASE_URL is not set: this machine, on PORT. */
export function defaultBaseUrl(port: number): string {
  return `http://localhost:${port}`;
}
/** What the transaction SMS may cost by default (`SMS_MAX_SEGMENTS`): each part is billed. */
export const DEFAULT_SMS_MAX_SEGMENTS = 2;

/** A reserved-for-fiction number; embedded mode only. */
export const EMBEDDED_PHONE = '+15555550100';

/** Where PingOne is: a region, optionally overridden hosts (the emulator, a proxy). */
export interface PingOneLocation {
  environmentId: string;
  region: Region;
  /** Management base including `/v1`, when overridden. */
  apiUrl?: string;
  /** Auth base without the environment id, when overridden. */
  authUrl?: string;
}

export interface WorkerCredentials {
  clientId: string;
  clientSecret: string;
  /** The environment the worker application lives in (defaults to the target environment). */
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
  /** `embedded`: no PingOne settings, the app runs against its own emulator. */
  mode: 'pingone' | 'embedded';
  /** Present in `pingone` mode; in embedded mode the server fills it after provisioning. */
  pingone?: RelyingPartySettings;
  baseUrl: string;
  port: number;
  host: string;
  sessionSecret: string;
  emulatorPort: number;
  /** `EMULATOR_HOST`: where the embedded emulator binds (loopback unless set). */
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
  /** `pretty` (development default) or `json` (production default). */
  logFormat: 'json' | 'pretty';
  /** Timeout of every outbound PingOne call. */
  timeoutMs: number;
  /** SQLite store: how often expired sessions are deleted. */
  sessionPruneIntervalMs: number;
  /**
   * `RATE_LIMIT_SMS` / `RATE_LIMIT_CODE`: counts per browser/address/user over the defaults;
   * `RATE_LIMIT_SMS_ENVIRONMENT`: the SMS budget of the whole environment.
   */
  rateLimits: RateLimitOverrides;
  /** `OPERATOR_TOKEN`: a bearer token that lets an operator list every approval. */
  operatorToken?: string;
  /** Redis store: how long any call may take before the request gets 503. */
  redisTimeoutMs: number;
  /**
   * Express `trust proxy`: the proxies whose X-Forwarded-For/-Proto are believed. `false`
   * (default) believes no one; a number counts hops; a list names addresses, subnets or
   * proxy-addr's `loopback`, `linklocal`, `uniquelocal`.
   */
  trustProxy: false | number | string[];
  /** `SMS_MAX_SEGMENTS`: a payee that would make the transaction SMS longer is refused. */
  smsMaxSegments: number;
  /** `METRICS_PORT`: Prometheus metrics on a listener of their own; unset, none. */
  metrics?: MetricsConfig;
  /** `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`: traces exported over OTLP/HTTP; unset, no SDK at all. */
  tracing?: TracingConfig;
}

/** The metrics listener: never the app's own, so /metrics is not public by accident. */
export interface MetricsConfig {
  port: number;
  /** `METRICS_HOST`, 127.0.0.1 by default. */
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
  /** The traces endpoint itself: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or the base + `/v1/traces`. */
  url: string;
  /** `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`: often a backend's API key, so never logged. */
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  /** `OTEL_RESOURCE_ATTRIBUTES`, `service.name` aside. */
  resourceAttributes: Record<string, string>;
  sampler: (typeof TRACE_SAMPLERS)[number];
  /** `OTEL_TRACES_SAMPLER_ARG`: the ratio of the `traceidratio` samplers. */
  samplerRatio: number;
  /** `OTEL_BSP_SCHEDULE_DELAY`: how long finished spans wait to be exported together. */
  exportDelayMs: number;
}
