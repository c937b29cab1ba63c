import type { P1Detail } from './p1-error.js';

/**
 * What PingOne requires of each management body of steps 1–15, as data: one table per resource,
 * each rule naming where the fact comes from. `validateManagementBody` turns a body into PingOne's
 * `details[]` (docs/pingone-contract.md §2.1), so that a test can hold any body against the table.
 *
 * Sources, by short name:
 * - MGMT: the management OpenAPI file behind Ping's Go SDK (pingone-go-sdk-v2,
 *   management/generate/pingone-management.yml), by schema name.
 * - MFA: the MFA OpenAPI file of the same SDK (mfa/generate/pingone-mfa.yml), by schema name.
 * - TF: Ping's Terraform provider (terraform-provider-pingone), by resource.
 * - CONTRACT: docs/pingone-contract.md, by section, for facts from Ping's workflow pages.
 * - EMULATOR: a bound no Ping source states; the emulator sets it so that a stored value stays
 *   usable (say so in the rule, and never tighter than a Ping example).
 *
 * OpenAPI 3.0 puts a read-only property in `required` for answers only, so a read-only required
 * property (the device policy's `forSignOnPolicy`) is not required in a request.
 */

export type ManagementResource =
  | 'application'
  | 'applicationGrant'
  | 'signOnPolicy'
  | 'signOnPolicyAction'
  | 'signOnPolicyAssignment'
  | 'templateContent'
  | 'population'
  | 'user'
  | 'userPassword'
  | 'userMfaEnabled'
  | 'deviceAuthenticationPolicy'
  | 'userDevice';

export interface FieldRule {
  /** Dotted path; `[]` after a name means "each element of that array". */
  path: string;
  type: 'string' | 'boolean' | 'integer' | 'object' | 'array';
  /** Required whenever the object holding it is present (top level: always). */
  required?: boolean;
  /** The rule applies only when the top-level field `path` has one of `in` (content for SMS). */
  when?: { path: string; in: readonly string[] };
  /** Arrays: the type of each element. */
  items?: 'string' | 'object';
  /** Strings (or each string of an array): case-exact allowed values. */
  enum?: readonly string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  source: string;
}

/**
 * The deprecated per-method objects of an MFA action, each `{enabled}` (MGMT SignOnPolicyActionMFA;
 * its `applications` is a list without `enabled`, so it never counts as an enabled method).
 */
export const MFA_ACTION_METHODS = [
  'sms',
  'email',
  'voice',
  'securityKey',
  'authenticator',
  'boundBiometrics',
] as const;

/** PingOne accepts `+15125201234`, `+1.5125201234` and `+1 (512) 520-1234` (docs/pingone-contract.md §4). */
const PHONE = /^\+[0-9][0-9 .()-]{5,24}$/;

/** Sign-on policy names (docs/pingone-contract.md §4 step 6). */
const POLICY_NAME = /^[a-zA-Z0-9_. -]+$/;

/** MGMT `User`: letters, marks, spaces, symbols, numbers and punctuation. */
const USER_TEXT = /^[\p{L}\p{M}\p{Zs}\p{S}\p{N}\p{P}]*$/u;
/** MGMT `User.name.family`: letters, marks, numbers, apostrophe, space, dot, hyphen. */
const FAMILY_NAME = /^[\p{L}\p{M}\p{N}' .-]*$/u;

const TIME_UNITS = ['MINUTES', 'SECONDS'] as const; // MFA EnumTimeUnit

/**
 * The OTP failure block every method of a device policy carries (MFA
 * `DeviceAuthenticationPolicyOfflineDevice` and the `mobile` / `totp` objects).
 */
function otpFailureRules(prefix: string): FieldRule[] {
  const schema = 'MFA DeviceAuthenticationPolicyCommon';
  return [
    { path: `${prefix}.otp.failure`, type: 'object', required: true, source: schema },
    {
      path: `${prefix}.otp.failure.count`,
      type: 'integer',
      required: true,
      min: 1,
      max: 7,
      source: `${schema} (required); range 1–7: TF pingone_mfa_device_policy otp.failure.count`,
    },
    { path: `${prefix}.otp.failure.coolDown`, type: 'object', required: true, source: schema },
    {
      path: `${prefix}.otp.failure.coolDown.duration`,
      type: 'integer',
      required: true,
      min: 0,
      source: `${schema}; minimum 0: EMULATOR (Ping's step-14 example sends 0)`,
    },
    {
      path: `${prefix}.otp.failure.coolDown.timeUnit`,
      type: 'string',
      required: true,
      enum: TIME_UNITS,
      source: `${schema}, EnumTimeUnit`,
    },
  ];
}

/** sms, voice, email: MFA `DeviceAuthenticationPolicyOfflineDevice`. */
function offlineDeviceRules(method: 'sms' | 'email' | 'voice'): FieldRule[] {
  const schema = 'MFA DeviceAuthenticationPolicyOfflineDevice';
  return [
    { path: method, type: 'object', required: true, source: 'MFA DeviceAuthenticationPolicy' },
    { path: `${method}.enabled`, type: 'boolean', required: true, source: schema },
    { path: `${method}.pairingDisabled`, type: 'boolean', source: schema },
    { path: `${method}.promptForNicknameOnPairing`, type: 'boolean', source: schema },
    { path: `${method}.otp`, type: 'object', required: true, source: schema },
    { path: `${method}.otp.lifeTime`, type: 'object', required: true, source: schema },
    {
      path: `${method}.otp.lifeTime.duration`,
      type: 'integer',
      required: true,
      min: 1,
      source: `${schema}; minimum 1: EMULATOR (a code that expires at once is useless)`,
    },
    {
      path: `${method}.otp.lifeTime.timeUnit`,
      type: 'string',
      required: true,
      enum: TIME_UNITS,
      source: `${schema}, EnumTimeUnit`,
    },
    ...otpFailureRules(method),
    {
      path: `${method}.otp.otpLength`,
      type: 'integer',
      min: 6,
      max: 10,
      source: `${schema} otpLength (6–10, default 6)`,
    },
  ];
}

/** mobile and totp: `enabled` and `otp.failure` (MFA DeviceAuthenticationPolicyCommon). */
function failureOnlyRules(method: 'mobile' | 'totp'): FieldRule[] {
  const schema = 'MFA DeviceAuthenticationPolicyCommon';
  return [
    { path: method, type: 'object', required: true, source: 'MFA DeviceAuthenticationPolicy' },
    { path: `${method}.enabled`, type: 'boolean', required: true, source: `${schema}.${method}` },
    { path: `${method}.otp`, type: 'object', required: true, source: `${schema}.${method}` },
    ...otpFailureRules(method),
  ];
}

export const MANAGEMENT_RULES: Record<ManagementResource, readonly FieldRule[]> = {
  // Step 1: POST /applications.
  application: [
    { path: 'enabled', type: 'boolean', required: true, source: 'MGMT Application' },
    { path: 'name', type: 'string', required: true, source: 'MGMT Application' },
    { path: 'description', type: 'string', source: 'MGMT Application' },
    {
      path: 'type',
      type: 'string',
      required: true,
      enum: [
        'WEB_APP',
        'NATIVE_APP',
        'SINGLE_PAGE_APP',
        'WORKER',
        'SERVICE',
        'CUSTOM_APP',
        'PING_ONE_SELF_SERVICE',
        'PING_ONE_ADMIN_CONSOLE',
        'PING_ONE_PORTAL',
        'TEMPLATE_APP',
        'PORTAL_LINK_APP',
      ],
      source: 'MGMT Application, EnumApplicationType',
    },
    {
      path: 'protocol',
      type: 'string',
      required: true,
      enum: ['OPENID_CONNECT', 'SAML', 'WS_FED', 'EXTERNAL_LINK'],
      source: 'MGMT Application, EnumApplicationProtocol',
    },
    {
      path: 'tokenEndpointAuthMethod',
      type: 'string',
      required: true,
      when: { path: 'protocol', in: ['OPENID_CONNECT'] },
      enum: [
        'NONE',
        'CLIENT_SECRET_BASIC',
        'CLIENT_SECRET_POST',
        'PRIVATE_KEY_JWT',
        'CLIENT_SECRET_JWT',
      ],
      source: 'MGMT ApplicationOIDC (required), EnumApplicationOIDCTokenAuthMethod',
    },
    {
      path: 'grantTypes',
      type: 'array',
      items: 'string',
      required: true,
      when: { path: 'protocol', in: ['OPENID_CONNECT'] },
      enum: [
        'AUTHORIZATION_CODE',
        'IMPLICIT',
        'REFRESH_TOKEN',
        'CLIENT_CREDENTIALS',
        'DEVICE_CODE',
        'TOKEN_EXCHANGE',
        'CIBA',
      ],
      source:
        'MGMT ApplicationOIDC, EnumApplicationOIDCGrantType; required for OIDC: CONTRACT §4 step 1',
    },
    {
      path: 'responseTypes',
      type: 'array',
      items: 'string',
      enum: ['TOKEN', 'ID_TOKEN', 'CODE'],
      source: 'MGMT ApplicationOIDC, EnumApplicationOIDCResponseType',
    },
    { path: 'redirectUris', type: 'array', items: 'string', source: 'MGMT ApplicationOIDC' },
    {
      path: 'postLogoutRedirectUris',
      type: 'array',
      items: 'string',
      source: 'MGMT ApplicationOIDC',
    },
    {
      path: 'pkceEnforcement',
      type: 'string',
      enum: ['OPTIONAL', 'REQUIRED', 'S256_REQUIRED'],
      source: 'MGMT ApplicationOIDC, EnumApplicationOIDCPKCEOption',
    },
    { path: 'supportUnsignedRequestObject', type: 'boolean', source: 'MGMT ApplicationOIDC' },
    { path: 'requireSignedRequestObject', type: 'boolean', source: 'MGMT ApplicationOIDC' },
  ],

  // Step 5: POST /applications/{id}/grants.
  applicationGrant: [
    { path: 'resource', type: 'object', required: true, source: 'MGMT ApplicationResourceGrant' },
    {
      path: 'resource.id',
      type: 'string',
      required: true,
      source: 'MGMT ApplicationResourceGrant',
    },
    {
      path: 'scopes',
      type: 'array',
      items: 'object',
      required: true,
      source: 'MGMT ApplicationResourceGrant',
    },
    {
      path: 'scopes[].id',
      type: 'string',
      required: true,
      source: 'MGMT ApplicationResourceGrant',
    },
  ],

  // Step 6: POST /signOnPolicies.
  signOnPolicy: [
    {
      path: 'name',
      type: 'string',
      required: true,
      pattern: POLICY_NAME,
      source: 'MGMT SignOnPolicy (required); pattern: CONTRACT §4 step 6',
    },
    { path: 'description', type: 'string', source: 'MGMT SignOnPolicy' },
    { path: 'default', type: 'boolean', source: 'MGMT SignOnPolicy' },
  ],

  // Step 7: POST /signOnPolicies/{id}/actions. The per-method objects are deprecated but still
  // accepted (CONTRACT §10.3): Ping's workflow sends them, the Terraform provider does not.
  signOnPolicyAction: [
    {
      path: 'priority',
      type: 'integer',
      required: true,
      min: 1,
      source: 'MGMT SignOnPolicyActionCommon',
    },
    {
      path: 'type',
      type: 'string',
      required: true,
      enum: [
        'LOGIN',
        'MULTI_FACTOR_AUTHENTICATION',
        'IDENTIFIER_FIRST',
        'IDENTITY_PROVIDER',
        'PROGRESSIVE_PROFILING',
        'AGREEMENT',
        'PINGID_WINLOGIN_PASSWORDLESS_AUTHENTICATION',
        'PINGID_AUTHENTICATION',
      ],
      source: 'MGMT SignOnPolicyActionCommon, EnumSignOnPolicyType',
    },
    { path: 'deviceAuthenticationPolicy', type: 'object', source: 'MGMT SignOnPolicyActionMFA' },
    {
      path: 'deviceAuthenticationPolicy.id',
      type: 'string',
      required: true,
      source: 'MGMT SignOnPolicyActionMFA',
    },
    {
      path: 'noDevicesMode',
      type: 'string',
      enum: ['BYPASS', 'BLOCK'],
      source: 'MGMT SignOnPolicyActionMFA, EnumSignOnPolicyNoDeviceMode',
    },
    ...MFA_ACTION_METHODS.flatMap((m): FieldRule[] => [
      { path: m, type: 'object', source: 'MGMT SignOnPolicyActionMFA (deprecated)' },
      { path: `${m}.enabled`, type: 'boolean', source: 'MGMT SignOnPolicyActionMFA (deprecated)' },
    ]),
  ],

  // Step 8: POST /applications/{id}/signOnPolicyAssignments.
  signOnPolicyAssignment: [
    {
      path: 'priority',
      type: 'integer',
      required: true,
      min: 1,
      source: 'MGMT SignOnPolicyAssignment',
    },
    { path: 'signOnPolicy', type: 'object', required: true, source: 'MGMT SignOnPolicyAssignment' },
    {
      path: 'signOnPolicy.id',
      type: 'string',
      required: true,
      source: 'MGMT SignOnPolicyAssignment',
    },
  ],

  // Step 9: POST /templates/{name}/contents.
  templateContent: [
    {
      path: 'locale',
      type: 'string',
      required: true,
      pattern: /^[A-Za-z]{2,3}([-_][A-Za-z]{2,4})?$/,
      source:
        'MGMT TemplateContentCommon (required; a language code, case-insensitive, optionally a country code after `_` or `-`: en, en_GB, en-GB)',
    },
    {
      path: 'deliveryMethod',
      type: 'string',
      required: true,
      enum: ['Email', 'SMS', 'Voice', 'Push'],
      source: 'MGMT TemplateContentCommon, EnumTemplateContentDeliveryMethod (case-exact)',
    },
    { path: 'variant', type: 'string', source: 'MGMT TemplateContentCommon' },
    { path: 'default', type: 'boolean', source: 'MGMT TemplateContentCommon' },
    {
      path: 'content',
      type: 'string',
      required: true,
      when: { path: 'deliveryMethod', in: ['SMS'] },
      maxLength: 153,
      source: 'MGMT TemplateContentSMS (required, at most 153)',
    },
    {
      path: 'content',
      type: 'string',
      required: true,
      when: { path: 'deliveryMethod', in: ['Voice'] },
      maxLength: 1000,
      source: 'MGMT TemplateContentVoice (required, limited to 1 KB)',
    },
    { path: 'sender', type: 'string', maxLength: 11, source: 'MGMT TemplateContentSMS' },
    {
      path: 'body',
      type: 'string',
      required: true,
      when: { path: 'deliveryMethod', in: ['Email'] },
      source: 'MGMT TemplateContentEmail (required)',
    },
    {
      path: 'body',
      type: 'string',
      required: true,
      when: { path: 'deliveryMethod', in: ['Push'] },
      maxLength: 400,
      source: 'MGMT TemplateContentPush (required, at most 400)',
    },
    { path: 'subject', type: 'string', maxLength: 256, source: 'MGMT TemplateContentEmail' },
    {
      path: 'title',
      type: 'string',
      required: true,
      when: { path: 'deliveryMethod', in: ['Push'] },
      maxLength: 200,
      source: 'MGMT TemplateContentPush',
    },
  ],

  // Step 10: POST /populations.
  population: [
    { path: 'name', type: 'string', required: true, source: 'MGMT Population' },
    { path: 'description', type: 'string', source: 'MGMT Population' },
    { path: 'default', type: 'boolean', source: 'MGMT Population' },
  ],

  // Step 11: POST /users.
  user: [
    {
      path: 'username',
      type: 'string',
      required: true,
      minLength: 1,
      maxLength: 128,
      pattern: USER_TEXT,
      source: 'MGMT User',
    },
    {
      path: 'email',
      type: 'string',
      required: true,
      pattern: /^[^\s@]+@[^\s@]+$/,
      source: 'MGMT User (required); pattern: EMULATOR (one @, no spaces)',
    },
    { path: 'mobilePhone', type: 'string', maxLength: 32, source: 'MGMT User' },
    { path: 'locale', type: 'string', minLength: 1, maxLength: 256, source: 'MGMT User' },
    { path: 'name', type: 'object', source: 'MGMT User' },
    {
      path: 'name.given',
      type: 'string',
      minLength: 1,
      maxLength: 256,
      pattern: USER_TEXT,
      source: 'MGMT User',
    },
    {
      path: 'name.family',
      type: 'string',
      minLength: 1,
      maxLength: 256,
      pattern: FAMILY_NAME,
      source: 'MGMT User',
    },
    { path: 'population', type: 'object', source: 'MGMT User' },
    { path: 'population.id', type: 'string', required: true, source: 'MGMT User' },
    { path: 'mfaEnabled', type: 'boolean', source: 'MGMT User' },
  ],

  // Step 12: PUT /users/{id}/password (application/vnd.pingidentity.password.set+json).
  userPassword: [
    { path: 'value', type: 'string', required: true, source: 'MGMT "UPDATE Password (Set)" body' },
    { path: 'forceChange', type: 'boolean', source: 'MGMT "UPDATE Password (Set)" body' },
  ],

  // Step 13: PUT /users/{id}/mfaEnabled.
  userMfaEnabled: [
    { path: 'mfaEnabled', type: 'boolean', required: true, source: 'MFA UserMFAEnabled' },
  ],

  // Step 14: POST /deviceAuthenticationPolicies.
  deviceAuthenticationPolicy: [
    { path: 'name', type: 'string', required: true, source: 'MFA DeviceAuthenticationPolicy' },
    { path: 'default', type: 'boolean', required: true, source: 'MFA DeviceAuthenticationPolicy' },
    {
      path: 'forSignOnPolicy',
      type: 'boolean',
      source:
        'MFA DeviceAuthenticationPolicyCommon (deprecated, read-only: required in answers only)',
    },
    {
      path: 'newDeviceNotification',
      type: 'string',
      enum: ['NONE', 'EMAIL_THEN_SMS', 'SMS_THEN_EMAIL'],
      source: 'MFA EnumMFADevicePolicyNewDeviceNotification',
    },
    { path: 'authentication', type: 'object', source: 'MFA DeviceAuthenticationPolicyCommon' },
    {
      path: 'authentication.deviceSelection',
      type: 'string',
      required: true,
      enum: ['DEFAULT_TO_FIRST', 'PROMPT_TO_SELECT', 'ALWAYS_DISPLAY_DEVICES'],
      source: 'MFA DeviceAuthenticationPolicyCommon, EnumMFADevicePolicySelection',
    },
    { path: 'ignoreUserLock', type: 'boolean', source: 'MFA DeviceAuthenticationPolicyCommon' },
    ...offlineDeviceRules('sms'),
    ...offlineDeviceRules('email'),
    ...offlineDeviceRules('voice'),
    ...failureOnlyRules('mobile'),
    ...failureOnlyRules('totp'),
    { path: 'fido2', type: 'object', source: 'MFA DeviceAuthenticationPolicyCommon' },
    {
      path: 'fido2.enabled',
      type: 'boolean',
      required: true,
      source: 'MFA DeviceAuthenticationPolicyCommon.fido2',
    },
  ],

  // Step 15: POST /users/{id}/devices.
  userDevice: [
    {
      path: 'type',
      type: 'string',
      required: true,
      enum: ['SMS', 'EMAIL', 'VOICE', 'TOTP', 'MOBILE', 'FIDO2'],
      source: 'CONTRACT §4 step 15 ("Create MFA User Device (SMS)")',
    },
    {
      path: 'phone',
      type: 'string',
      required: true,
      when: { path: 'type', in: ['SMS', 'VOICE'] },
      pattern: PHONE,
      source: 'CONTRACT §4 step 15 and the phone formats of §4',
    },
    {
      path: 'email',
      type: 'string',
      required: true,
      when: { path: 'type', in: ['EMAIL'] },
      pattern: /^[^\s@]+@[^\s@]+$/,
      source: 'CONTRACT §4 step 15; pattern: EMULATOR (one @, no spaces)',
    },
    {
      path: 'status',
      type: 'string',
      enum: ['ACTIVE', 'ACTIVATION_REQUIRED'],
      source: 'CONTRACT §4 step 15',
    },
    { path: 'nickname', type: 'string', maxLength: 100, source: 'EMULATOR' },
    { path: 'policy', type: 'object', source: 'CONTRACT §4 step 15' },
    { path: 'policy.id', type: 'string', required: true, source: 'CONTRACT §4 step 15' },
    { path: 'testMode', type: 'boolean', source: 'CONTRACT §4 step 15' },
  ],
};

interface Located {
  target: string;
  value: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every place `path` names in `body`, below parents that are present and are objects. */
function locate(body: Record<string, unknown>, path: string): Located[] {
  const parts = path.split('.');
  let nodes: Located[] = [{ target: '', value: body }];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const each = part.endsWith('[]');
    const key = each ? part.slice(0, -2) : part;
    const next: Located[] = [];
    for (const node of nodes) {
      if (!isObject(node.value)) continue;
      const target = node.target ? `${node.target}.${key}` : key;
      const value = node.value[key];
      if (each && !last) {
        if (Array.isArray(value))
          value.forEach((v, j) => next.push({ target: `${target}[${j}]`, value: v }));
      } else if (last || value !== undefined) {
        next.push({ target, value });
      }
    }
    nodes = next;
  }
  return nodes;
}

const typeName: Record<FieldRule['type'], string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  object: 'an object',
  array: 'an array',
};

function hasType(value: unknown, type: FieldRule['type'] | 'string' | 'object'): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

function checkOne(rule: FieldRule, at: Located): P1Detail[] {
  const { target, value } = at;
  const missing = value === undefined || value === null || (rule.type === 'string' && value === '');
  if (missing) {
    if (!rule.required) return [];
    return [{ code: 'REQUIRED_VALUE', target, message: `${target} is required` }];
  }
  if (!hasType(value, rule.type)) {
    return [{ code: 'INVALID_VALUE', target, message: `${target} must be ${typeName[rule.type]}` }];
  }
  if (rule.type === 'array') {
    const items = value as unknown[];
    if (rule.items && !items.every((v) => hasType(v, rule.items!))) {
      return [
        { code: 'INVALID_VALUE', target, message: `${target} must hold only ${rule.items} values` },
      ];
    }
    const bad = rule.enum ? items.filter((v) => !rule.enum!.includes(v as string)) : [];
    if (bad.length) {
      return [
        {
          code: 'INVALID_VALUE',
          target,
          message: `${target} has unsupported values: ${bad.join(', ')}`,
          innerError: { allowedValues: [...rule.enum!] },
        },
      ];
    }
    return [];
  }
  if (rule.type === 'string') {
    const s = value as string;
    if (rule.enum && !rule.enum.includes(s)) {
      return [
        {
          code: 'INVALID_VALUE',
          target,
          message: `${target} must be one of ${rule.enum.join(', ')}`,
          innerError: { allowedValues: [...rule.enum] },
        },
      ];
    }
    if (rule.maxLength !== undefined && s.length > rule.maxLength) {
      return [
        {
          code: 'SIZE_LIMIT_EXCEEDED',
          target,
          message: `${target} must be at most ${rule.maxLength} characters`,
          innerError: { maximumValue: rule.maxLength },
        },
      ];
    }
    if (
      (rule.minLength !== undefined && s.length < rule.minLength) ||
      (rule.pattern && !rule.pattern.test(s))
    ) {
      const detail: P1Detail = { code: 'INVALID_VALUE', target, message: `${target} is not valid` };
      if (rule.pattern) detail.innerError = { allowedPattern: rule.pattern.source };
      return [detail];
    }
    return [];
  }
  if (rule.type === 'integer') {
    const n = value as number;
    if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
      const innerError: Record<string, unknown> = {};
      if (rule.min !== undefined) innerError.rangeMinimumValue = rule.min;
      if (rule.max !== undefined) innerError.rangeMaximumValue = rule.max;
      return [{ code: 'OUT_OF_RANGE', target, message: `${target} is out of range`, innerError }];
    }
  }
  return [];
}

/**
 * PingOne's `details[]` for `body` as a `resource` body: every problem at once, each naming its
 * field. Empty when the body passes. Not an object at all → one INVALID_VALUE without a target.
 */
export function validateManagementBody(resource: ManagementResource, body: unknown): P1Detail[] {
  if (!isObject(body))
    return [{ code: 'INVALID_VALUE', message: 'The request body must be a JSON object.' }];
  const details: P1Detail[] = [];
  for (const rule of MANAGEMENT_RULES[resource]) {
    if (rule.when && !rule.when.in.includes(body[rule.when.path] as string)) continue;
    for (const at of locate(body, rule.path)) details.push(...checkOne(rule, at));
  }
  return details;
}
