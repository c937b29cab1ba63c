import {
  listApplications,
  listDeviceAuthenticationPolicies,
  listGrants,
  listSignOnPolicyActions,
  listSignOnPolicyAssignments,
  listTransactionContents,
  listUserDevices,
  findUserByUsername,
  type ManagementContext,
} from '../management.js';
import { samePhone, TEMPLATE_VARIABLES } from './desired.js';

export interface SelfCheckInput {
  applicationId: string;
  redirectUri: string;
  openidResourceId: string;
  /** The scope ids the grant must hold (profile). */
  scopeIds: string[];
  policyId: string;
  devicePolicyId: string;
  templateContentId: string;
  username: string;
  userId: string;
  phone: string;
}

export interface SelfCheckItem {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface SelfCheckResult {
  ok: boolean;
  checks: SelfCheckItem[];
}

/**
 * Reads the provisioned objects back (concurrently, reads only) and checks what makes the
 * approval flow work, rather than trusting the answers of the writes.
 */
export async function selfCheck(
  ctx: ManagementContext,
  input: SelfCheckInput,
): Promise<SelfCheckResult> {
  const [apps, grants, assignments, actions, contents, devicePolicies, user, devices] =
    await Promise.all([
      listApplications(ctx),
      listGrants(ctx, input.applicationId),
      listSignOnPolicyAssignments(ctx, input.applicationId),
      listSignOnPolicyActions(ctx, input.policyId),
      listTransactionContents(ctx),
      listDeviceAuthenticationPolicies(ctx),
      findUserByUsername(ctx, input.username),
      listUserDevices(ctx, input.userId),
    ]);
  const checks: SelfCheckItem[] = [];
  const check = (name: string, ok: boolean, detail?: string) =>
    checks.push(detail && !ok ? { name, ok, detail } : { name, ok });

  const app = apps.find((a) => a.id === input.applicationId);
  check('application exists and is enabled', !!app && app.enabled !== false);
  check(
    'application has the redirect URI',
    !!app?.redirectUris?.includes(input.redirectUri),
    `expected ${input.redirectUri}`,
  );
  check(
    'application allows the authorization code grant',
    !!app && (app.grantTypes ?? ['AUTHORIZATION_CODE']).includes('AUTHORIZATION_CODE'),
  );
  const grant = grants.find((g) => g.resource?.id === input.openidResourceId);
  const granted = new Set((grant?.scopes ?? []).map((s) => s.id));
  check(
    'application has the openid grant',
    !!grant && input.scopeIds.every((id) => granted.has(id)),
  );
  check(
    'sign-on policy is assigned to the application',
    assignments.some((a) => a.signOnPolicy?.id === input.policyId),
  );
  const mfa = actions.find((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION');
  check('policy has an MFA action', !!mfa);
  check('MFA action has SMS enabled', !!mfa && mfa.sms?.enabled !== false);
  check('MFA action blocks users without a device', !!mfa && mfa.noDevicesMode !== 'BYPASS');
  check(
    'MFA action points at the device policy',
    mfa?.deviceAuthenticationPolicy?.id === input.devicePolicyId,
  );
  const devicePolicy = devicePolicies.find((p) => p.id === input.devicePolicyId);
  check('device policy has SMS enabled', devicePolicy?.sms?.enabled === true);
  const content = contents.find((c) => c.id === input.templateContentId);
  const text = content?.content ?? '';
  const missing = ['OTP', ...TEMPLATE_VARIABLES].filter((v) => !text.includes(`\${${v}}`));
  check(
    'transaction template content has ${OTP} and the variables',
    !!content && missing.length === 0,
    content ? `missing ${missing.map((v) => `\${${v}}`).join(', ')}` : 'content not found',
  );
  check('user exists', user?.id === input.userId);
  check('user has MFA enabled', user?.mfaEnabled === true);
  check(
    'user has an ACTIVE SMS device for the phone',
    devices.some(
      (d) =>
        d.type === 'SMS' && (d.status ?? 'ACTIVE') === 'ACTIVE' && samePhone(d.phone, input.phone),
    ),
  );
  return { ok: checks.every((c) => c.ok), checks };
}
