import { describe, expect, it } from 'vitest';
import { desiredNames } from '../../../src/provisioning/desired-names.js';
import { samePhone } from '../../../src/provisioning/steps/device.js';
import {
  applicationDrift,
  repairedApplication,
} from '../../../src/provisioning/steps/application.js';
import {
  mfaActionDrift,
  repairedMfaAction,
} from '../../../src/provisioning/steps/sign-on-policy.js';
import { TEMPLATE_CONTENT } from '../../../src/provisioning/steps/template-content.js';
import { randomPassword } from '../../../src/provisioning/steps/user.js';

describe('desiredNames', () => {
  it('derives every name from the prefix, with no space in the acr or the variant', () => {
    const n = desiredNames('My Bank.eu');
    expect(n.applicationName).toBe('My Bank.eu Transaction Approval');
    expect(n.policyName).toBe('My_Bank.eu_SMS_Approval');
    expect(n.policyName).toMatch(/^[a-zA-Z0-9_.-]+$/);
    expect(n.templateVariant).toBe('My_Bank_eu_sms_approval');
    expect(n.populationName.startsWith('My Bank.eu')).toBe(true);
    expect(n.devicePolicyName.startsWith('My Bank.eu')).toBe(true);
  });
});

describe('template content', () => {
  it('holds ${OTP} and the variables and fits one SMS segment', () => {
    for (const v of ['${OTP}', '${sum}', '${currency}', '${recipient}']) {
      expect(TEMPLATE_CONTENT).toContain(v);
    }
    // GSM-7: { and } count twice (escape table); the rest of this text is basic GSM-7.
    const septets = [...TEMPLATE_CONTENT].reduce((n, c) => n + ('{}'.includes(c) ? 2 : 1), 0);
    expect(septets).toBeLessThanOrEqual(153);
  });
});

describe('drift detection', () => {
  it('finds what breaks the flow in an application', () => {
    const ok = {
      id: 'a',
      name: 'x',
      enabled: true,
      redirectUris: ['https://rp/callback'],
      grantTypes: ['AUTHORIZATION_CODE'],
      responseTypes: ['CODE'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
    };
    expect(applicationDrift(ok, 'https://rp/callback')).toEqual([]);
    expect(
      applicationDrift({ ...ok, enabled: false, redirectUris: [] }, 'https://rp/callback'),
    ).toEqual(['disabled', 'redirect URI https://rp/callback missing']);
  });

  it('repairs an application keeping every field it does not own, widening only ours', () => {
    const current = {
      id: 'a',
      _links: { self: { href: 'h' } },
      createdAt: 'c',
      name: 'x',
      enabled: false,
      type: 'WEB_APP',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['REFRESH_TOKEN'],
      responseTypes: ['CODE'],
      redirectUris: ['https://theirs/cb'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
      pkceEnforcement: 'OPTIONAL',
      signing: { keyRotationPolicy: { id: 'k' } },
      jwks: '{"keys":[]}',
      corsSettings: { behavior: 'ALLOW_NO_ORIGINS' },
    };
    expect(repairedApplication(current, 'x', 'https://rp/callback')).toEqual({
      name: 'x',
      description: 'Created by npm run setup',
      enabled: true,
      type: 'WEB_APP',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['REFRESH_TOKEN', 'AUTHORIZATION_CODE'],
      responseTypes: ['CODE'],
      redirectUris: ['https://theirs/cb', 'https://rp/callback'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      pkceEnforcement: 'OPTIONAL',
      signing: current.signing,
      jwks: current.jwks,
      corsSettings: current.corsSettings,
    });
  });

  it('finds an MFA action with SMS off or another device policy', () => {
    const action = { id: 'x', priority: 1, type: 'MULTI_FACTOR_AUTHENTICATION' };
    expect(
      mfaActionDrift(
        { ...action, sms: { enabled: true }, deviceAuthenticationPolicy: { id: 'd' } },
        'd',
      ),
    ).toEqual([]);
    expect(
      mfaActionDrift(
        { ...action, sms: { enabled: false }, deviceAuthenticationPolicy: { id: 'e' } },
        'd',
      ),
    ).toEqual(['SMS disabled', 'not pointing at the device policy']);
  });

  it('accepts an MFA action read back without the deprecated sms/email fields', () => {
    const action = { id: 'x', priority: 1, type: 'MULTI_FACTOR_AUTHENTICATION' };
    // The Terraform provider's shape: priority, type, device policy, noDevicesMode.
    expect(
      mfaActionDrift(
        { ...action, deviceAuthenticationPolicy: { id: 'd' }, noDevicesMode: 'BLOCK' },
        'd',
      ),
    ).toEqual([]);
    expect(
      mfaActionDrift({ ...action, deviceAuthenticationPolicy: { id: 'd' }, email: {} }, 'd'),
    ).toEqual([]);
    expect(
      mfaActionDrift(
        { ...action, deviceAuthenticationPolicy: { id: 'd' }, noDevicesMode: 'BYPASS' },
        'd',
      ),
    ).toEqual(['users without a device bypass MFA']);
  });

  it('repairs an MFA action keeping its other fields and blocking users without a device', () => {
    const current = {
      id: 'x',
      _links: { self: { href: 'h' } },
      environment: { id: 'e' },
      priority: 2,
      type: 'MULTI_FACTOR_AUTHENTICATION',
      condition: { secondsSince: '${session.lastSignOn.withAuthenticator.mfa.at}', greater: 0 },
      noDevicesMode: 'BYPASS',
      deviceAuthenticationPolicy: { id: 'old' },
    };
    expect(repairedMfaAction(current, 'd')).toEqual({
      priority: 2,
      type: 'MULTI_FACTOR_AUTHENTICATION',
      condition: current.condition,
      noDevicesMode: 'BLOCK',
      sms: { enabled: true },
      email: { enabled: false },
      deviceAuthenticationPolicy: { id: 'd' },
    });
  });
});

describe('samePhone', () => {
  it('compares digits and tolerates masked numbers', () => {
    expect(samePhone('+1.5125201234', '+15125201234')).toBe(true);
    expect(samePhone('+1 (512) 520-1234', '+15125201234')).toBe(true);
    expect(samePhone('+1******1234', '+15125201234')).toBe(true);
    expect(samePhone('+15125209999', '+15125201234')).toBe(false);
    expect(samePhone(undefined, '+15125201234')).toBe(false);
  });
});

describe('randomPassword', () => {
  it('passes a standard password policy', () => {
    for (let i = 0; i < 200; i++) {
      const p = randomPassword();
      expect(p).toHaveLength(24);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[!#%*\-_.]/);
      expect(p).not.toMatch(/(.)\1\1/);
      expect(new Set(p).size).toBeGreaterThanOrEqual(5);
    }
  });
});
