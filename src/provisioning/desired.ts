import { randomInt } from 'node:crypto';
import {
  writableFields,
  type Application,
  type Grant,
  type SignOnPolicyAction,
  type TemplateContent,
  type User,
} from '../pingone/management.js';

/**
 * What the plan wants in PingOne, derived from the prefix so that every object it owns can be
 * found again by name (PingOne names are unique per environment) and torn down.
 */
export interface DesiredNames {
  applicationName: string;
  /** Also the `acr` of the ID token and the `acr_values` the relying party sends. */
  policyName: string;
  populationName: string;
  devicePolicyName: string;
  /** The transaction template variant (`pi.template.variant`). */
  templateVariant: string;
}

/**
 * Names for `prefix` (letters, digits, space, `_`, `.`, `-`). The policy name and the variant
 * carry no space: `acr_values` is a space-separated list.
 */
export function desiredNames(prefix: string): DesiredNames {
  const compact = prefix.trim().replace(/\s+/g, '_');
  return {
    applicationName: `${prefix} Transaction Approval`,
    policyName: `${compact}_SMS_Approval`,
    populationName: `${prefix} Demo Users`,
    devicePolicyName: `${prefix} SMS OTP`,
    templateVariant: `${compact.replace(/[^A-Za-z0-9_-]/g, '_')}_sms_approval`,
  };
}

/**
 * The SMS text. `${OTP}` is PingOne's code; `${sum}`, `${currency}`, `${recipient}` come from the
 * request JWT's `pi.template.variables`. At most 153 GSM-7 characters (one SMS segment with a
 * header): this one is 53 plus the values.
 */
export const TEMPLATE_CONTENT = 'Approve ${sum} ${currency} to ${recipient}? Code: ${OTP}';
export const TEMPLATE_VARIABLES = ['sum', 'currency', 'recipient'] as const;
export const TEMPLATE_LOCALE = 'en';
export const TEMPLATE_DELIVERY = 'SMS';

/**
 * True when `value` is `ours` but for case: PingOne compares template variants (and locales,
 * delivery methods) case-insensitively, so a `TxApproval_SMS_Approval` someone typed in the
 * console is ours too.
 */
export function sameText(value: string | undefined, ours: string): boolean {
  return (value ?? '').toLowerCase() === ours.toLowerCase();
}

/** Step 1's body (a new application). */
export function desiredApplication(name: string, redirectUri: string): Omit<Application, 'id'> {
  return {
    name,
    description: 'Created by npm run setup',
    enabled: true,
    type: 'WEB_APP',
    protocol: 'OPENID_CONNECT',
    grantTypes: ['AUTHORIZATION_CODE'],
    responseTypes: ['CODE'],
    redirectUris: [redirectUri],
    tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
    pkceEnforcement: 'S256_REQUIRED',
  };
}

/**
 * The repair of an application read back whole. A PingOne PUT replaces the application, so
 * every field we do not own (signing, jwks, corsSettings, token lifetimes, …) goes back as read;
 * ours are added to, never narrowed: our redirect URI, grant and response type join the
 * existing ones, an existing PKCE setting stays.
 */
export function repairedApplication(
  current: Application,
  name: string,
  redirectUri: string,
): Omit<Application, 'id'> {
  const fresh = desiredApplication(name, redirectUri);
  const union = (have: string[] | undefined, want: string) => [...new Set([...(have ?? []), want])];
  return {
    ...writableFields(current),
    name,
    description: current.description ?? fresh.description,
    enabled: true,
    type: current.type ?? fresh.type,
    protocol: current.protocol ?? fresh.protocol,
    grantTypes: union(current.grantTypes, 'AUTHORIZATION_CODE'),
    responseTypes: union(current.responseTypes, 'CODE'),
    redirectUris: union(current.redirectUris, redirectUri),
    tokenEndpointAuthMethod: fresh.tokenEndpointAuthMethod,
    pkceEnforcement: current.pkceEnforcement ?? fresh.pkceEnforcement,
  } as Omit<Application, 'id'>;
}

/** Step 5's body: the openid resource with the scopes the application may ask for. */
export function desiredGrant(
  resourceId: string,
  scopeIds: string[],
): Pick<Grant, 'resource' | 'scopes'> {
  return { resource: { id: resourceId }, scopes: scopeIds.map((id) => ({ id })) };
}

/** Step 6's body. The name becomes the ID token's `acr` (and our `acr_values`). */
export function desiredSignOnPolicy(name: string): { name: string; description: string } {
  return { name, description: 'SMS transaction approval (created by npm run setup)' };
}

/** Step 8's body: the policy, after any already assigned to the application. */
export function desiredPolicyAssignment(
  policyId: string,
  priority: number,
): { priority: number; signOnPolicy: { id: string } } {
  return { priority, signOnPolicy: { id: policyId } };
}

/** Step 9's body: our SMS text for the `transaction` template, under our variant. */
export function desiredTemplateContent(variant: string): Omit<TemplateContent, 'id'> {
  return {
    locale: TEMPLATE_LOCALE,
    deliveryMethod: TEMPLATE_DELIVERY,
    variant,
    content: TEMPLATE_CONTENT,
  };
}

/** Step 10's body. */
export function desiredPopulation(name: string): { name: string; description: string } {
  return {
    name,
    description: 'Demo users of the SMS transaction approval (created by npm run setup)',
  };
}

/**
 * Step 11's body. PingOne requires `email` as well as `username`: a username that is no address
 * gets a placeholder at example.com (nothing is ever mailed: the device policy sends no
 * notification and only SMS is enabled).
 */
export function desiredUser(
  username: string,
  phone: string,
  populationId: string,
): Omit<User, 'id'> {
  const local = username.split('@')[0]!.replace(/[^A-Za-z0-9._+-]/g, '') || 'demo';
  return {
    username,
    email: username.includes('@') ? username : `${local}@example.com`,
    name: { given: 'Demo', family: 'Approver' },
    mobilePhone: phone,
    population: { id: populationId },
  };
}

/** Step 15's body: an SMS device under our device policy (ACTIVE at once: no `status`). */
export function desiredSmsDevice(
  phone: string,
  devicePolicyId: string,
): { type: 'SMS'; phone: string; policy: { id: string } } {
  return { type: 'SMS', phone, policy: { id: devicePolicyId } };
}

/** What breaks the flow in an existing application, in words; empty when it works. */
export function applicationDrift(app: Application, redirectUri: string): string[] {
  const drift: string[] = [];
  if (app.enabled === false) drift.push('disabled');
  if (!app.redirectUris?.includes(redirectUri)) drift.push(`redirect URI ${redirectUri} missing`);
  if (app.grantTypes && !app.grantTypes.includes('AUTHORIZATION_CODE')) {
    drift.push('authorization_code grant type missing');
  }
  if (app.responseTypes && !app.responseTypes.includes('CODE'))
    drift.push('code response type missing');
  if (app.tokenEndpointAuthMethod && app.tokenEndpointAuthMethod !== 'CLIENT_SECRET_BASIC') {
    drift.push(`token endpoint auth method is ${app.tokenEndpointAuthMethod}`);
  }
  return drift;
}

/**
 * Step 7's body, as Ping's workflow sends it: SMS on, email off, the device policy. `sms` and
 * `email` are deprecated in the management spec but accepted; `noDevicesMode` is left to its
 * default (`BLOCK`).
 */
export function desiredMfaAction(
  devicePolicyId: string,
  priority = 1,
): Omit<SignOnPolicyAction, 'id'> {
  return {
    priority,
    type: 'MULTI_FACTOR_AUTHENTICATION',
    sms: { enabled: true },
    email: { enabled: false },
    deviceAuthenticationPolicy: { id: devicePolicyId },
  };
}

/**
 * Why an existing MFA action does not do what the flow needs; empty when it does. PingOne may
 * answer in the workflow's shape (`sms`, `email`) or the newer one (the device policy and
 * `noDevicesMode` only): a deprecated field that is absent is never a drift, only an explicit
 * `sms.enabled: false`.
 */
export function mfaActionDrift(action: SignOnPolicyAction, devicePolicyId: string): string[] {
  const drift: string[] = [];
  if (action.sms?.enabled === false) drift.push('SMS disabled');
  if (action.deviceAuthenticationPolicy?.id !== devicePolicyId) {
    drift.push('not pointing at the device policy');
  }
  // BYPASS lets a user without an SMS device through without a code: nothing approved anything.
  if (action.noDevicesMode === 'BYPASS') drift.push('users without a device bypass MFA');
  return drift;
}

/** The repair of an MFA action read back whole: everything kept, step 7's fields set again. */
export function repairedMfaAction(
  current: SignOnPolicyAction,
  devicePolicyId: string,
): Omit<SignOnPolicyAction, 'id'> {
  const body: Omit<SignOnPolicyAction, 'id'> = {
    ...writableFields(current),
    ...desiredMfaAction(devicePolicyId, current.priority ?? 1),
  };
  if (body.noDevicesMode === 'BYPASS') body.noDevicesMode = 'BLOCK';
  return body;
}

export {
  desiredDevicePolicy,
  devicePolicyDrift,
  repairedDevicePolicy,
  SMS_CODE_LIFETIME_MINUTES,
  SMS_OTP_LENGTH,
} from './desired-device-policy.js';

/** Digits only, for comparing phone numbers PingOne may reformat (`+1.512…`, `+1 (512)…`). */
export function phoneDigits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

/** True when a device's (possibly masked, `+1*****1234`) phone is `phone`. */
export function samePhone(devicePhone: string | undefined, phone: string): boolean {
  if (!devicePhone) return false;
  if (devicePhone.includes('*'))
    return phoneDigits(devicePhone).slice(-4) === phoneDigits(phone).slice(-4);
  return phoneDigits(devicePhone) === phoneDigits(phone);
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGIT = '23456789';
const SPECIAL = '!#%*-_.';

/**
 * A random password that passes PingOne's standard password policy (length, one of each class,
 * at most two repeated characters, enough unique ones). Nobody signs on with it: the sign-on
 * policy only asks for the SMS code, but the workflow gives the user a password (step 12).
 */
export function randomPassword(length = 24): string {
  const all = LOWER + UPPER + DIGIT + SPECIAL;
  const pick = (set: string) => set[randomInt(set.length)]!;
  for (;;) {
    const chars = [pick(LOWER), pick(UPPER), pick(DIGIT), pick(SPECIAL)];
    while (chars.length < length) chars.push(pick(all));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (!/(.)\1\1/.test(password)) return password;
  }
}
