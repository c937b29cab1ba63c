/**
 * PingOne management resources as they cross the wire (camelCase, PingOne's names), reduced to
 * the fields this project reads or writes; the index signature keeps the rest, so that a
 * repair can send back what it read (docs/pingone-contract.md §10).
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/
 */

export interface Ref {
  id: string;
}

export interface PingOneResource {
  id: string;
  environment?: Ref;
  createdAt?: string;
  updatedAt?: string;
  _links?: Record<string, { href?: string }>;
  [key: string]: unknown;
}

/** The objects found by name: resources, scopes, sign-on policies, populations. */
export interface NamedResource extends PingOneResource {
  name: string;
  description?: string;
  type?: string;
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

/**
 * A sign-on policy action. For the MFA type, `sms` and `email` are deprecated in the management
 * spec (the device policy decides the methods) but still in Ping's workflow: PingOne may answer
 * with or without them. `noDevicesMode` is `BLOCK` (the default) or `BYPASS`.
 */
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

/** A `duration` + `timeUnit` pair (`MINUTES` or `SECONDS` for OTP settings). */
export interface TimePeriod {
  duration: number;
  timeUnit: string;
}

/** What happens after wrong codes: `count` failures (1-7), then a `coolDown`. */
export interface OtpFailure {
  count: number;
  coolDown: TimePeriod;
}

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

/**
 * Step 14's body as Ping's MFA spec requires it (`DeviceAuthenticationPolicy`): every method
 * block, `name` and `default`, plus `forSignOnPolicy` (deprecated, read-only, still listed as
 * required; Ping's SDK sends `false`). See docs/pingone-contract.md §4, step 14.
 */
export interface DeviceAuthenticationPolicyBody {
  name: string;
  default: boolean;
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

/** A device authentication policy as read back: any block may be missing or partial. */
export interface DeviceAuthenticationPolicy extends PingOneResource {
  name: string;
  default?: boolean;
  newDeviceNotification?: string;
  sms?: Partial<OfflineMethodSettings>;
  email?: Partial<OfflineMethodSettings>;
  voice?: Partial<OfflineMethodSettings>;
  mobile?: Partial<DeviceMethodSettings>;
  totp?: Partial<DeviceMethodSettings>;
}
