/**
 * PingOne's management API (steps 1–15 of the workflow) as plain operations on a path below
 * `{api}/environments/{env}`: each provisioning step names its own calls with them.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
import type { PingOneLocation, WorkerCredentials } from '../config.js';
import type { HttpClient, PingOneResponse } from './http.js';
import { PingOneError, unexpectedResponse } from './pingone-error.js';
import { pingoneUrls } from './urls.js';
import { withQuery, type HttpMethod, type PingOneCall } from './wire.js';
import { createWorkerTokenSource } from './worker-token.js';

/** The fields we read; the index signature keeps the rest (docs/pingone-contract.md §10). */
export interface PingOneResource {
  id: string;
  createdAt?: string;
  [key: string]: unknown;
}

type Ref = { id: string };

interface NamedResource extends PingOneResource {
  name: string;
}

export type ApiResource = NamedResource;
export type Scope = NamedResource;
export type SignOnPolicy = NamedResource;
export type Population = NamedResource;

export interface Application extends NamedResource {
  enabled?: boolean;
  protocol?: string;
  grantTypes?: string[];
  responseTypes?: string[];
  redirectUris?: string[];
  tokenEndpointAuthMethod?: string;
  pkceEnforcement?: string;
}

export interface Grant extends PingOneResource {
  resource: Ref;
  scopes: Ref[];
}

/** MFA's `sms` and `email`: deprecated in the spec, in Ping's workflow; PingOne may omit them. */
export interface SignOnPolicyAction extends PingOneResource {
  priority: number;
  type: string;
  sms?: { enabled?: boolean };
  email?: { enabled?: boolean };
  deviceAuthenticationPolicy?: Ref;
  noDevicesMode?: string;
}

export interface SignOnPolicyAssignment extends PingOneResource {
  priority: number;
  signOnPolicy: Ref;
}

export interface TemplateContent extends PingOneResource {
  locale: string;
  deliveryMethod: string;
  variant?: string;
  content?: string;
}

export interface User extends PingOneResource {
  username: string;
  email?: string;
  mobilePhone?: string;
  mfaEnabled?: boolean;
  population?: Ref;
}

export interface Device extends PingOneResource {
  type: string;
  status?: string;
  phone?: string;
}

type TimePeriod = { duration: number; timeUnit: string };
type OtpFailure = { count: number; coolDown: TimePeriod };

/** `sms`, `email`, `voice`: the spec's "offline device" method, a code sent to the user. */
export interface OfflineMethodSettings {
  enabled: boolean;
  otp: { lifeTime: TimePeriod; failure: OtpFailure; otpLength?: number };
  [key: string]: unknown;
}

/** `mobile`, `totp`: a code made on the device; only its failure rule is required. */
export interface DeviceMethodSettings {
  enabled: boolean;
  otp: { failure: OtpFailure; [key: string]: unknown };
  [key: string]: unknown;
}

/** Step 14's body as Ping's MFA spec requires it (docs/pingone-contract.md §4, step 14). */
export interface DeviceAuthenticationPolicyBody {
  name: string;
  default: boolean;
  /** Deprecated and read-only, yet required; Ping's SDK sends `false`. */
  forSignOnPolicy: false;
  /** `NONE`, `EMAIL_THEN_SMS` (PingOne's default when absent) or `SMS_THEN_EMAIL`. */
  newDeviceNotification: string;
  sms: OfflineMethodSettings;
  email: OfflineMethodSettings;
  voice: OfflineMethodSettings;
  mobile: DeviceMethodSettings;
  totp: DeviceMethodSettings;
  fido2?: { enabled: boolean; [key: string]: unknown };
  [key: string]: unknown;
}

/** As read back: any block may be missing or partial. */
export type DeviceAuthenticationPolicy = PingOneResource & { name: string } & {
  [K in keyof DeviceAuthenticationPolicyBody]?: Partial<DeviceAuthenticationPolicyBody[K]>;
};

export type ManagementContext = ReturnType<typeof createManagementContext>;

export function createManagementContext(options: {
  location: PingOneLocation;
  worker: WorkerCredentials;
  http: HttpClient;
}) {
  return {
    http: options.http,
    urls: pingoneUrls(options.location),
    token: createWorkerTokenSource(options),
  };
}

/** A 401 is retried once with a fresh token: the cached one may have been revoked. */
async function managementCall<T>(
  ctx: ManagementContext,
  call: Omit<PingOneCall, 'bearer'>,
): Promise<PingOneResponse<T>> {
  const send = async () => ctx.http.call<T>({ ...call, bearer: await ctx.token.get() });
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof PingOneError) || error.status !== 401) throw error;
    ctx.token.invalidate();
    return send();
  }
}

/** A path below the environment, each id URL-encoded so that none may turn into another path. */
export function apiPath(parts: TemplateStringsArray, ...ids: string[]): string {
  return parts.reduce((path, part, i) => `${path}${encodeURIComponent(ids[i - 1]!)}${part}`);
}

type ListPage = { _embedded?: Record<string, unknown>; _links?: { next?: { href?: string } } };

/**
 * Reads a whole PingOne list: the `_embedded[name]` items of every page, following
 * `_links.next.href` while it stays on the management host (a bearer token never leaves it).
 */
export async function listAll<T>(
  ctx: ManagementContext,
  step: string,
  path: string,
  name: string,
  query?: Record<string, string | undefined>,
): Promise<T[]> {
  const items: T[] = [];
  const origin = new URL(ctx.urls.api).origin;
  const seen = new Set<string>();
  let next: string | undefined = withQuery(`${ctx.urls.environment}${path}`, query);
  while (next && !seen.has(next) && seen.size < 100) {
    seen.add(next);
    const res: PingOneResponse<ListPage> = await managementCall(ctx, {
      step,
      method: 'GET',
      url: next,
    });
    const list = res.body?._embedded?.[name];
    if (Array.isArray(list)) items.push(...(list as T[]));
    const href = res.body?._links?.next?.href;
    const url = href ? new URL(href, origin) : undefined;
    next = url && url.origin === origin ? url.href : undefined;
  }
  return items;
}

/** One request answered by one object: its JSON body, or `UNEXPECTED_RESPONSE` when none. */
export async function send<T>(
  ctx: ManagementContext,
  step: string,
  method: HttpMethod,
  path: string,
  json?: unknown,
  contentType?: string,
): Promise<T> {
  const url = `${ctx.urls.environment}${path}`;
  const res = await managementCall<unknown>(ctx, { step, method, url, json, contentType });
  if (typeof res.body !== 'object' || res.body === null) {
    throw unexpectedResponse({ step, method, url }, res.status, 'the answer has no JSON body');
  }
  return res.body as T;
}

/** DELETE; an object already gone counts as deleted. True when this call removed it. */
export async function remove(ctx: ManagementContext, step: string, path: string): Promise<boolean> {
  const url = `${ctx.urls.environment}${path}`;
  // Repeating a DELETE is harmless: a second one answers 404, which counts as done.
  const call = { step, url, okStatus: [404], idempotent: true };
  return (await managementCall(ctx, { ...call, method: 'DELETE' })).status !== 404;
}

const READ_ONLY = ['id', '_links', '_embedded', 'environment', 'createdAt', 'updatedAt'] as const;

/**
 * A PUT replaces the whole object: a repair sends back all but the read-only fields
 * (docs/pingone-contract.md §10).
 */
export function writableFields<T extends object>(resource: T): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(resource as Record<string, unknown>) };
  for (const key of READ_ONLY) delete copy[key];
  return copy;
}
