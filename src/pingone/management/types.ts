/**
 * PingOne management resources as they cross the wire (camelCase, PingOne's names), reduced to
 * the fields this project reads or writes. Unknown fields are kept by the index signature.
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

export interface Application extends PingOneResource {
  name: string;
  description?: string;
  enabled?: boolean;
  type?: string;
  protocol?: string;
  grantTypes?: string[];
  responseTypes?: string[];
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  tokenEndpointAuthMethod?: string;
  pkceEnforcement?: string;
}

export interface ApplicationSecret {
  secret: string;
  previous?: { secret?: string; expiresAt?: string };
}

export interface ApiResource extends PingOneResource {
  name: string;
  type?: string;
}

export interface Scope extends PingOneResource {
  name: string;
}

export interface Grant extends PingOneResource {
  resource: Ref;
  scopes: Ref[];
}

export interface SignOnPolicy extends PingOneResource {
  name: string;
  description?: string;
  default?: boolean;
}

export interface SignOnPolicyAction extends PingOneResource {
  priority: number;
  type: string;
  sms?: { enabled?: boolean };
  email?: { enabled?: boolean };
  deviceAuthenticationPolicy?: Ref;
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

export interface Population extends PingOneResource {
  name: string;
  description?: string;
}

export interface User extends PingOneResource {
  username: string;
  email?: string;
  mobilePhone?: string;
  mfaEnabled?: boolean;
  enabled?: boolean;
  population?: Ref;
  account?: { status?: string };
}

export interface OtpPolicySettings {
  failure?: { count?: number; coolDown?: { duration?: number; timeUnit?: string } };
  lifeTime?: { duration?: number; timeUnit?: string };
  otpLength?: number;
}

export interface DeviceAuthenticationPolicy extends PingOneResource {
  name: string;
  default?: boolean;
  sms?: { enabled?: boolean; otp?: OtpPolicySettings };
}

export interface Device extends PingOneResource {
  type: string;
  status?: string;
  phone?: string;
}
