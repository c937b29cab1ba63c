import { fromSchema, type FieldRule } from './field-rule.js';

/** Each `{enabled}` (MGMT SignOnPolicyActionMFA; its `applications` has no `enabled`). */
export const MFA_ACTION_METHODS = [
  'sms',
  'email',
  'voice',
  'securityKey',
  'authenticator',
  'boundBiometrics',
] as const;

/** Step 6: POST /signOnPolicies. */
export const SIGN_ON_POLICY_RULES = fromSchema('MGMT SignOnPolicy', [
  {
    path: 'name',
    type: 'string',
    required: true,
    // Sign-on policy names (docs/pingone-contract.md §4 step 6).
    pattern: /^[a-zA-Z0-9_. -]+$/,
    source: 'MGMT SignOnPolicy (required); pattern: CONTRACT §4 step 6',
  },
  { path: 'description', type: 'string' },
  { path: 'default', type: 'boolean' },
]);

/** Step 7. The per-method objects are deprecated but still accepted (CONTRACT §10.3). */
export const SIGN_ON_POLICY_ACTION_RULES: FieldRule[] = [
  ...fromSchema('MGMT SignOnPolicyActionCommon', [
    { path: 'priority', type: 'integer', required: true, min: 1 },
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
  ]),
  ...fromSchema('MGMT SignOnPolicyActionMFA', [
    { path: 'deviceAuthenticationPolicy', type: 'object' },
    { path: 'deviceAuthenticationPolicy.id', type: 'string', required: true },
    {
      path: 'noDevicesMode',
      type: 'string',
      enum: ['BYPASS', 'BLOCK'],
      source: 'MGMT SignOnPolicyActionMFA, EnumSignOnPolicyNoDeviceMode',
    },
  ]),
  ...fromSchema(
    'MGMT SignOnPolicyActionMFA (deprecated)',
    MFA_ACTION_METHODS.flatMap((m): Array<Omit<FieldRule, 'source'>> => [
      { path: m, type: 'object' },
      { path: `${m}.enabled`, type: 'boolean' },
    ]),
  ),
];

/** Step 8: POST /applications/{id}/signOnPolicyAssignments. */
export const SIGN_ON_POLICY_ASSIGNMENT_RULES = fromSchema('MGMT SignOnPolicyAssignment', [
  { path: 'priority', type: 'integer', required: true, min: 1 },
  { path: 'signOnPolicy', type: 'object', required: true },
  { path: 'signOnPolicy.id', type: 'string', required: true },
]);
