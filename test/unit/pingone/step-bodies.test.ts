import { describe, expect, it } from 'vitest';
import { desiredNames } from '../../../src/provisioning/desired-names.js';
import {
  desiredPopulation,
  desiredUser,
  mfaEnabledBody,
  passwordSetBody,
} from '../../../src/provisioning/steps/user.js';
import { desiredApplication, desiredGrant } from '../../../src/provisioning/steps/application.js';
import { desiredDevicePolicy, desiredSmsDevice } from '../../../src/provisioning/steps/device.js';
import {
  desiredMfaAction,
  desiredPolicyAssignment,
  desiredSignOnPolicy,
} from '../../../src/provisioning/steps/sign-on-policy.js';
import { desiredTemplateContent } from '../../../src/provisioning/steps/template-content.js';

// Required fields of each step's schema in Ping's management and MFA specs (the Go SDK's
// pingone-management.yml and pingone-mfa.yml; docs/pingone-contract.md §4).
const names = desiredNames('A'.repeat(40));
const bodies: [step: string, body: object, required: string[]][] = [
  [
    '1 ApplicationOIDC',
    desiredApplication(names.applicationName, 'https://rp.example/callback'),
    ['enabled', 'name', 'type', 'protocol', 'tokenEndpointAuthMethod'],
  ],
  ['5 ApplicationResourceGrant', desiredGrant('r', ['s']), ['resource.id', 'scopes.0.id']],
  ['6 SignOnPolicy', desiredSignOnPolicy(names.policyName), ['name']],
  ['7 SignOnPolicyActionMFA', desiredMfaAction('d'), ['priority', 'type']],
  ['8 SignOnPolicyAssignment', desiredPolicyAssignment('p', 1), ['signOnPolicy.id', 'priority']],
  [
    '9 TemplateContentSMS',
    desiredTemplateContent(names.templateVariant),
    ['locale', 'deliveryMethod', 'content'],
  ],
  ['10 Population', desiredPopulation(names.populationName), ['name']],
  ['11 User', desiredUser('a-user', '+15125201234', 'p'), ['email', 'username']],
  ['12 password set', passwordSetBody('x'), ['value', 'forceChange']],
  ['13 UserMFAEnabled', mfaEnabledBody(true), ['mfaEnabled']],
  [
    '14 DeviceAuthenticationPolicy',
    desiredDevicePolicy(names.devicePolicyName),
    ['name', 'default'],
  ],
  ['15 SMS device', desiredSmsDevice('+15125201234', 'd'), ['type', 'phone']],
];

const at = (body: unknown, path: string) =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], body);

describe('every step body carries what its schema requires', () => {
  it.each(bodies)('step %s', (_step, body, required) => {
    expect(required.filter((p) => at(body, p) === undefined)).toEqual([]);
  });

  it('uses the enum values with the spec casing and stays inside its limits', () => {
    const app = desiredApplication(names.applicationName, 'https://rp.example/callback');
    expect(app).toMatchObject({
      type: 'WEB_APP',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['AUTHORIZATION_CODE'],
      responseTypes: ['CODE'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      pkceEnforcement: 'S256_REQUIRED',
    });
    expect(desiredMfaAction('d').type).toBe('MULTI_FACTOR_AUTHENTICATION');
    expect(desiredMfaAction('d').priority).toBeGreaterThanOrEqual(1);
    const content = desiredTemplateContent(names.templateVariant);
    expect(content.deliveryMethod).toBe('SMS');
    expect(String(content.content).length).toBeLessThanOrEqual(153);
    // The longest prefix setup accepts (40) still gives a variant within PingOne's 100.
    expect(names.templateVariant.length).toBeLessThanOrEqual(100);
    expect(names.policyName).toMatch(/^[a-zA-Z0-9_. -]+$/);
    const user = desiredUser('x'.repeat(128), '+15125201234', 'p');
    expect(String(user.mobilePhone).length).toBeLessThanOrEqual(32);
    expect(user.email).toMatch(/^[^@\s]+@[^@\s]+$/);
  });
});
