// Steps 1–15 of the workflow, idempotent: https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
import { allSteps, ProvisionError, runStep } from './run-step.js';
import { selfCheck } from './self-check.js';
import { createSetupContext, type ProvisionContext, type SetupInput } from './find-or-create.js';
import { enableMfa, ensurePopulation, ensureUser, setPassword } from './steps/user.js';
import {
  ensureApplication,
  ensureGrant,
  findOpenidResource,
  findProfileScope,
  readApplicationSecret,
} from './steps/application.js';
import { ensureDevicePolicy, ensureSmsDevice } from './steps/device.js';
import {
  ensureMfaAction,
  ensurePolicyAssignment,
  ensureSignOnPolicy,
} from './steps/sign-on-policy.js';
import { ensureTemplateContent } from './steps/template-content.js';

export type { StepReport } from './run-step.js';
export { ProvisionError } from './run-step.js';
export { teardown } from './teardown.js';

export type ProvisionInput = SetupInput &
  Pick<ProvisionContext, 'phone' | 'username' | 'redirectUri'>;
export type ProvisionResult = Awaited<ReturnType<typeof provision>>;
export type ProvisionSettings = ProvisionResult['settings'];

// Three rounds, steps side by side within a round: a run is as many round trips deep as its rounds.
export async function provision(input: ProvisionInput) {
  const { phone, username, redirectUri } = input;
  const ctx: ProvisionContext = { ...createSetupContext(input), phone, username, redirectUri };
  try {
    // Steps 1, 3, 6, 9, 10 and 14 need nothing that another step makes.
    const [application, openid, policy, template, population, devicePolicy] = await allSteps([
      ensureApplication(ctx),
      findOpenidResource(ctx),
      ensureSignOnPolicy(ctx),
      ensureTemplateContent(ctx),
      ensurePopulation(ctx),
      ensureDevicePolicy(ctx),
    ]);
    // Steps 2, 4, 7, 8 and 11 live under those, or point at them.
    const [clientSecret, profile, , , user] = await allSteps([
      readApplicationSecret(ctx, application),
      findProfileScope(ctx, openid),
      ensureMfaAction(ctx, policy, devicePolicy),
      ensurePolicyAssignment(ctx, application, policy),
      ensureUser(ctx, population),
    ]);
    // Steps 5, 12, 13 and 15 need the profile scope or the user.
    await allSteps([
      ensureGrant(ctx, application, openid, profile),
      setPassword(ctx, user),
      enableMfa(ctx, user),
      ensureSmsDevice(ctx, user, devicePolicy),
    ]);

    const settings = {
      clientId: application?.value.id ?? '',
      clientSecret,
      username,
      userId: user?.value.id ?? '',
      templateVariant: ctx.names.templateVariant,
      policyName: ctx.names.policyName,
    };
    const check = ctx.dryRun
      ? undefined
      : await runStep(ctx, { name: 'self-check' }, async () => {
          const result = await selfCheck(ctx, {
            app: settings.clientId,
            openid: openid.id,
            profile: profile.id,
            policy: policy?.value.id ?? '',
            devicePolicy: devicePolicy?.value.id ?? '',
            template: template?.value.id ?? '',
            user: settings.userId,
          });
          const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
          return result.ok
            ? { value: result, outcome: 'passed', detail: `${result.checks.length} checks` }
            : { value: result, outcome: 'failed', detail: `failed: ${failed.join('; ')}` };
        });
    const { location } = input;
    return {
      ok: ctx.dryRun || check?.ok === true,
      dryRun: ctx.dryRun,
      settings,
      // The API/auth URLs only when overridden (emulator, proxy).
      envValues: {
        PINGONE_ENVIRONMENT_ID: location.environmentId,
        PINGONE_REGION: location.region,
        PINGONE_CLIENT_ID: settings.clientId,
        PINGONE_CLIENT_SECRET: settings.clientSecret,
        PINGONE_USERNAME: settings.username,
        PINGONE_TEMPLATE_VARIANT: settings.templateVariant,
        PINGONE_POLICY_NAME: settings.policyName,
        ...(location.apiUrl ? { PINGONE_API_URL: location.apiUrl } : {}),
        ...(location.authUrl ? { PINGONE_AUTH_URL: location.authUrl } : {}),
      },
      steps: ctx.reports,
      calls: ctx.api.http.calls,
      changed: ctx.reports.some((r) => r.outcome === 'created' || r.outcome === 'repaired'),
      names: ctx.names,
      ...(check && { selfCheck: check }),
    };
  } catch (error) {
    throw new ProvisionError(error, ctx.reports, ctx.api.http.calls);
  }
}
