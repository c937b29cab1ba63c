import { smsPreview } from '../approval/sms-text.js';
import { LONGEST_AMOUNT, PAYEE_MAX } from '../approval/transfer.js';
import { DEFAULT_SMS_MAX_SEGMENTS } from '../config/app-config.js';
import type { ProvisionContext } from './find-or-create.js';
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

interface SelfCheckItem {
  name: string;
  ok: boolean;
  detail?: string;
  report?: string;
}

const item = (name: string, ok: boolean, detail?: string): SelfCheckItem =>
  detail && !ok ? { name, ok, detail } : { name, ok };

// Reads everything back rather than trusting the answers of the writes.
export async function selfCheck(
  ctx: ProvisionContext,
  ids: Record<
    'app' | 'openid' | 'profile' | 'policy' | 'devicePolicy' | 'template' | 'user',
    string
  >,
) {
  const { api, redirectUri, username, phone } = ctx;
  const [apps, grants, actions, assignments, contents, user, policies, devices] = await Promise.all(
    [
      listApplications(api),
      listGrants(api, ids.app),
      listActions(api, ids.policy),
      listAssignments(api, ids.app),
      listTransactionContents(api),
      findUser(api, username),
      listDevicePolicies(api),
      listDevices(api, ids.user),
    ],
  );

  const app = apps.find((a) => a.id === ids.app);
  const grant = grants.find((g) => g.resource?.id === ids.openid);
  const granted = new Set((grant?.scopes ?? []).map((s) => s.id));
  const mfa = mfaActionOf(actions);
  const content = contents.find((c) => c.id === ids.template);
  const text = content?.content ?? '';
  const missing = ['OTP', ...TEMPLATE_VARIABLES].filter((v) => !text.includes(`\${${v}}`));
  const devicePolicy = policies.find((p) => p.id === ids.devicePolicy);
  const smsDevice = devices.find(
    (d) => d.type === 'SMS' && isActive(d) && samePhone(d.phone, phone),
  );

  const checks = [
    item('application exists and is enabled', !!app && app.enabled !== false),
    item(
      'application has the redirect URI',
      !!app?.redirectUris?.includes(redirectUri),
      `expected ${redirectUri}`,
    ),
    item(
      'application allows the authorization code grant',
      !!app && (app.grantTypes ?? ['AUTHORIZATION_CODE']).includes('AUTHORIZATION_CODE'),
    ),
    item('application has the openid grant', !!grant && granted.has(ids.profile)),
    item('policy has an MFA action', !!mfa),
    item('MFA action has SMS enabled', !!mfa && mfa.sms?.enabled !== false),
    item('MFA action blocks users without a device', !!mfa && mfa.noDevicesMode !== 'BYPASS'),
    item(
      'MFA action points at the device policy',
      mfa?.deviceAuthenticationPolicy?.id === ids.devicePolicy,
    ),
    item(
      'sign-on policy is assigned to the application',
      assignments.some((a) => a.signOnPolicy?.id === ids.policy),
    ),
    item(
      'transaction template content has ${OTP} and the variables',
      !!content && missing.length === 0,
      content ? `missing ${missing.map((v) => `\${${v}}`).join(', ')}` : 'content not found',
    ),
    item('user exists', user?.id === ids.user),
    item('user has MFA enabled', user?.mfaEnabled === true),
    // The device policy says how long the code is, which the SMS's length counts.
    templateFit(text, devicePolicy?.sms?.otp?.otpLength ?? SMS_OTP_LENGTH),
    item('device policy has SMS enabled', devicePolicy?.sms?.enabled === true),
    item('user has an ACTIVE SMS device for the phone', !!smsDevice),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}

// The longest transfer in GSM-7 must fit, or no full-length payee could be sent; UCS-2 is reported
// with how long such a payee may be, because the form refuses what goes beyond.
function templateFit(
  content: string,
  otpLength: number,
  limit = DEFAULT_SMS_MAX_SEGMENTS,
): SelfCheckItem {
  const longest = (letter: string, length = PAYEE_MAX) =>
    smsPreview(
      { amount: LONGEST_AMOUNT, currency: 'EUR', payee: letter.repeat(length) },
      otpLength,
      content,
    );
  const gsm = longest('W');
  const ucs = longest('Ł');
  let ucsMax = PAYEE_MAX;
  while (ucsMax > 0 && longest('Ł', ucsMax).segments > limit) ucsMax--;
  const parts = (n: number) => `${n} ${n === 1 ? 'segment' : 'segments'}`;
  const report =
    `GSM-7 ${gsm.length} septets, ${parts(gsm.segments)}; ` +
    `UCS-2 ${ucs.length} units, ${parts(ucs.segments)}; limit ${parts(limit)}` +
    (ucsMax < PAYEE_MAX ? ` (a payee outside GSM-7 may have ${ucsMax} characters)` : '');
  const ok = gsm.segments <= limit;
  const name = `transaction SMS with the longest transfer fits ${parts(limit)}`;
  return ok ? { name, ok, report } : { name, ok, detail: report, report };
}
