import type { ManagementContext } from '../pingone/management.js';
import { listApplications, listGrants } from './steps/application.js';
import {
  isActive,
  listDevicePolicies,
  listDevices,
  samePhone,
  SMS_OTP_LENGTH,
} from './steps/device.js';
import { listActions, listAssignments, mfaActionOf } from './steps/sign-on-policy.js';
import { listTransactionContents, TEMPLATE_VARIABLES } from './steps/template-content.js';
import { findUser } from './steps/user.js';
import { templateFit } from './template-fit.js';

export interface SelfCheckInput {
  applicationId: string;
  redirectUri: string;
  openidResourceId: string;
  scopeIds: string[];
  policyId: string;
  devicePolicyId: string;
  templateContentId: string;
  username: string;
  userId: string;
  phone: string;
  smsMaxSegments?: number;
}

export interface SelfCheckItem {
  name: string;
  ok: boolean;
  detail?: string;
  report?: string;
}

export interface SelfCheckResult {
  ok: boolean;
  checks: SelfCheckItem[];
}

const item = (name: string, ok: boolean, detail?: string): SelfCheckItem =>
  detail && !ok ? { name, ok, detail } : { name, ok };

// Reads everything back rather than trusting the answers of the writes.
export async function selfCheck(
  api: ManagementContext,
  input: SelfCheckInput,
): Promise<SelfCheckResult> {
  const [apps, grants, actions, assignments, contents, user, policies, devices] = await Promise.all(
    [
      listApplications(api),
      listGrants(api, input.applicationId),
      listActions(api, input.policyId),
      listAssignments(api, input.applicationId),
      listTransactionContents(api),
      findUser(api, input.username),
      listDevicePolicies(api),
      listDevices(api, input.userId),
    ],
  );

  const app = apps.find((a) => a.id === input.applicationId);
  const grant = grants.find((g) => g.resource?.id === input.openidResourceId);
  const granted = new Set((grant?.scopes ?? []).map((s) => s.id));
  const mfa = mfaActionOf(actions);
  const content = contents.find((c) => c.id === input.templateContentId);
  const text = content?.content ?? '';
  const missing = ['OTP', ...TEMPLATE_VARIABLES].filter((v) => !text.includes(`\${${v}}`));
  const devicePolicy = policies.find((p) => p.id === input.devicePolicyId);
  const smsDevice = devices.find(
    (d) => d.type === 'SMS' && isActive(d) && samePhone(d.phone, input.phone),
  );

  const checks = [
    item('application exists and is enabled', !!app && app.enabled !== false),
    item(
      'application has the redirect URI',
      !!app?.redirectUris?.includes(input.redirectUri),
      `expected ${input.redirectUri}`,
    ),
    item(
      'application allows the authorization code grant',
      !!app && (app.grantTypes ?? ['AUTHORIZATION_CODE']).includes('AUTHORIZATION_CODE'),
    ),
    item(
      'application has the openid grant',
      !!grant && input.scopeIds.every((id) => granted.has(id)),
    ),
    item('policy has an MFA action', !!mfa),
    item('MFA action has SMS enabled', !!mfa && mfa.sms?.enabled !== false),
    item('MFA action blocks users without a device', !!mfa && mfa.noDevicesMode !== 'BYPASS'),
    item(
      'MFA action points at the device policy',
      mfa?.deviceAuthenticationPolicy?.id === input.devicePolicyId,
    ),
    item(
      'sign-on policy is assigned to the application',
      assignments.some((a) => a.signOnPolicy?.id === input.policyId),
    ),
    item(
      'transaction template content has ${OTP} and the variables',
      !!content && missing.length === 0,
      content ? `missing ${missing.map((v) => `\${${v}}`).join(', ')}` : 'content not found',
    ),
    item('user exists', user?.id === input.userId),
    item('user has MFA enabled', user?.mfaEnabled === true),
    // The device policy says how long the code is, which the SMS's length counts.
    templateFit(text, devicePolicy?.sms?.otp?.otpLength ?? SMS_OTP_LENGTH, input.smsMaxSegments),
    item('device policy has SMS enabled', devicePolicy?.sms?.enabled === true),
    item('user has an ACTIVE SMS device for the phone', !!smsDevice),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}
