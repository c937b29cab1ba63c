import { describe, expect, it } from 'vitest';
import { MANAGEMENT_RULES } from '../../src/emulator/management-rules.js';
import { validateManagementBody } from '../../src/emulator/checker.js';
import { emulatorForFile } from '../helpers/emulator.js';
import { fullDevicePolicy, management } from './fixture.js';

const { em, p } = await emulatorForFile();
const m = management(em, p.token);

/**
 * The step-14 body that src/pingone sent until issue 12 (desiredDevicePolicy on main): SMS in
 * full, every other method as `{enabled:false}` only. The MFA spec requires `otp` on each
 * (docs/pingone-contract.md §4 step 14), so PingOne refuses it and the strict emulator must too.
 */
const OLD_STEP_14_BODY = {
  name: 'Old shape SMS OTP',
  default: false,
  sms: {
    enabled: true,
    otp: {
      failure: { count: 3, coolDown: { duration: 0, timeUnit: 'MINUTES' } },
      lifeTime: { duration: 5, timeUnit: 'MINUTES' },
      otpLength: 6,
    },
  },
  email: { enabled: false },
  voice: { enabled: false },
  mobile: { enabled: false },
  totp: { enabled: false },
  fido2: { enabled: false },
};

describe('POST /deviceAuthenticationPolicies (step 14) against the MFA spec', () => {
  it("refuses the old step-14 body with 400 INVALID_DATA naming each method's otp", async () => {
    const res = await m.post('/deviceAuthenticationPolicies', OLD_STEP_14_BODY);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_DATA');
    const missing = (res.body.details as Array<{ code: string; target: string }>)
      .filter((d) => d.code === 'REQUIRED_VALUE')
      .map((d) => d.target)
      .sort();
    expect(missing).toEqual(['email.otp', 'mobile.otp', 'totp.otp', 'voice.otp']);
    const list = await m.get('/deviceAuthenticationPolicies');
    const names = list.body._embedded.deviceAuthenticationPolicies.map(
      (d: { name: string }) => d.name,
    );
    expect(names).not.toContain(OLD_STEP_14_BODY.name);
  });

  it('accepts the full shape and reads it back with PingOne\u2019s defaults filled in', async () => {
    const body = fullDevicePolicy('Full shape SMS OTP');
    const res = await m.post('/deviceAuthenticationPolicies', body);
    expect(res.status).toBe(201);
    const read = await m.get(`/deviceAuthenticationPolicies/${res.body.id}`);
    expect(read.body).toMatchObject({
      ...body,
      forSignOnPolicy: false,
      authentication: { deviceSelection: 'DEFAULT_TO_FIRST' },
    });
  });

  it('defaults newDeviceNotification to EMAIL_THEN_SMS when absent', async () => {
    const { newDeviceNotification: _omitted, ...body } = fullDevicePolicy('No notification');
    const res = await m.post('/deviceAuthenticationPolicies', body);
    expect(res.status).toBe(201);
    expect(res.body.newDeviceNotification).toBe('EMAIL_THEN_SMS');
  });

  it('answers REQUIRED_VALUE for the top-level methods and name, INVALID_VALUE for enum casing, OUT_OF_RANGE for numbers', async () => {
    const res = await m.post('/deviceAuthenticationPolicies', { sms: { enabled: true } });
    expect(res.status).toBe(400);
    const targets = res.body.details.map((d: { target: string }) => d.target);
    expect(targets).toEqual(
      expect.arrayContaining(['name', 'default', 'email', 'voice', 'mobile', 'totp', 'sms.otp']),
    );
    const body = fullDevicePolicy('Bad values', {
      failure: { count: 8, coolDown: { duration: 0, timeUnit: 'minutes' } },
      lifeTime: { duration: 5, timeUnit: 'HOURS' },
      otpLength: 11,
    });
    body.newDeviceNotification = 'none';
    const bad = await m.post('/deviceAuthenticationPolicies', body);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'OUT_OF_RANGE',
          target: 'sms.otp.failure.count',
          innerError: { rangeMinimumValue: 1, rangeMaximumValue: 7 },
        }),
        expect.objectContaining({ code: 'OUT_OF_RANGE', target: 'sms.otp.otpLength' }),
        expect.objectContaining({
          code: 'INVALID_VALUE',
          target: 'sms.otp.failure.coolDown.timeUnit',
          innerError: { allowedValues: ['MINUTES', 'SECONDS'] },
        }),
        expect.objectContaining({ code: 'INVALID_VALUE', target: 'sms.otp.lifeTime.timeUnit' }),
        expect.objectContaining({ code: 'INVALID_VALUE', target: 'newDeviceNotification' }),
      ]),
    );
  });
});

describe('the other bodies of steps 1–15', () => {
  it('accepts the Terraform provider\u2019s step-7 shape (no deprecated per-method objects)', async () => {
    const policy = await m.post('/signOnPolicies', { name: 'Terraform_shape' });
    const res = await m.post(`/signOnPolicies/${policy.body.id}/actions`, {
      priority: 1,
      type: 'MULTI_FACTOR_AUTHENTICATION',
      deviceAuthenticationPolicy: { id: p.devicePolicyId },
      noDevicesMode: 'BLOCK',
    });
    expect(res.status).toBe(201);
    const wrong = await m.post(`/signOnPolicies/${policy.body.id}/actions`, {
      priority: 2,
      type: 'MULTI_FACTOR_AUTHENTICATION',
      deviceAuthenticationPolicy: { id: p.devicePolicyId },
      noDevicesMode: 'block',
    });
    expect(wrong.body.details[0]).toMatchObject({ code: 'INVALID_VALUE', target: 'noDevicesMode' });
  });

  it('requires tokenEndpointAuthMethod on an OIDC application and email on a user', async () => {
    const app = await m.post('/applications', {
      enabled: true,
      name: 'No auth method',
      type: 'WORKER',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['CLIENT_CREDENTIALS'],
    });
    expect(app.status).toBe(400);
    expect(app.body.details).toEqual([
      expect.objectContaining({ code: 'REQUIRED_VALUE', target: 'tokenEndpointAuthMethod' }),
    ]);
    const user = await m.post('/users', { username: 'no-email' });
    expect(user.body.details).toEqual([
      expect.objectContaining({ code: 'REQUIRED_VALUE', target: 'email' }),
    ]);
  });

  it('answers SIZE_LIMIT_EXCEEDED for a string over its length', async () => {
    const res = await m.post('/templates/transaction/contents', {
      locale: 'en',
      deliveryMethod: 'SMS',
      variant: 'sender',
      content: 'Code ${OTP}',
      sender: 'TwelveLetter',
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      expect.objectContaining({
        code: 'SIZE_LIMIT_EXCEEDED',
        target: 'sender',
        innerError: { maximumValue: 11 },
      }),
    ]);
  });

  it('names array elements in targets (grant scopes)', async () => {
    const res = await m.post(`/applications/${p.appId}/grants`, {
      resource: { id: p.openidResourceId },
      scopes: [{ id: 'x' }, {}],
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(
      expect.objectContaining({ code: 'REQUIRED_VALUE', target: 'scopes[1].id' }),
    );
  });
});

describe('the rule table itself', () => {
  it('names a source for every rule', () => {
    for (const [resource, rules] of Object.entries(MANAGEMENT_RULES)) {
      for (const rule of rules) expect(rule.source, `${resource} ${rule.path}`).toMatch(/\S{3}/);
    }
  });

  it('holds a body against the table without a server', () => {
    expect(validateManagementBody('deviceAuthenticationPolicy', fullDevicePolicy('x'))).toEqual([]);
    expect(validateManagementBody('userMfaEnabled', { mfaEnabled: 'yes' })).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', target: 'mfaEnabled' }),
    ]);
    expect(validateManagementBody('population', [])).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    ]);
  });

  it('template contents: locales as the spec writes them, and the Voice and Push length limits', () => {
    const sms = { deliveryMethod: 'SMS', content: 'Code: ${OTP}' };
    for (const locale of ['en', 'en_GB', 'en-GB', 'EN'])
      expect(validateManagementBody('templateContent', { ...sms, locale }), locale).toEqual([]);
    expect(validateManagementBody('templateContent', { ...sms, locale: 'english' })).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', target: 'locale' }),
    ]);
    const long = (n: number) => 'x'.repeat(n);
    const voice = { locale: 'en', deliveryMethod: 'Voice', content: long(1001) };
    const push = { locale: 'en', deliveryMethod: 'Push', title: 'Approve', body: long(401) };
    for (const body of [voice, push])
      expect(validateManagementBody('templateContent', body)).toEqual([
        expect.objectContaining({ code: 'SIZE_LIMIT_EXCEEDED' }),
      ]);
  });
});
