// Steps 1–15 of the workflow, idempotent: https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
import type { PingOneLocation } from '../config.js';
import type { DesiredNames } from './desired-names.js';
import { allSteps, ProvisionError, runStep, type StepReport } from './run-step.js';
import { selfCheck, type SelfCheckResult } from './self-check.js';
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

export type { StepReport, StepOutcome } from './run-step.js';
export type { SelfCheckResult, SelfCheckItem } from './self-check.js';
export { desiredNames, type DesiredNames } from './desired-names.js';
export { TEMPLATE_CONTENT } from './steps/template-content.js';
export { ProvisionError } from './run-step.js';
export { teardown, type TeardownInput, type TeardownResult } from './teardown.js';

export interface ProvisionInput extends SetupInput {
  phone: string;
  username: string;
  redirectUri: string;
}

export interface ProvisionSettings {
  clientId: string;
  clientSecret: string;
  username: string;
  userId: string;
  templateVariant: string;
  policyName: string;
}

export interface ProvisionResult {
  ok: boolean;
  dryRun: boolean;
  settings: ProvisionSettings;
  envValues: Record<string, string>;
  steps: StepReport[];
  calls: number;
  changed: boolean;
  selfCheck?: SelfCheckResult;
  names: DesiredNames;
}

export function envValuesFor(
  location: PingOneLocation,
  settings: ProvisionSettings,
): Record<string, string> {
  const values: Record<string, string> = {
    PINGONE_ENVIRONMENT_ID: location.environmentId,
    PINGONE_REGION: location.region,
    PINGONE_CLIENT_ID: settings.clientId,
    PINGONE_CLIENT_SECRET: settings.clientSecret,
    PINGONE_USERNAME: settings.username,
    PINGONE_TEMPLATE_VARIANT: settings.templateVariant,
    PINGONE_POLICY_NAME: settings.policyName,
  };
  if (location.apiUrl) values.PINGONE_API_URL = location.apiUrl;
  if (location.authUrl) values.PINGONE_AUTH_URL = location.authUrl;
  return values;
}

// Three rounds, steps side by side within a round: a run is as many round trips deep as its rounds.
export async function provision(input: ProvisionInput): Promise<ProvisionResult> {
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

    const settings: ProvisionSettings = {
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
          const result = await selfCheck(ctx.api, {
            applicationId: settings.clientId,
            redirectUri,
            openidResourceId: openid.id,
            scopeIds: [profile.id],
            policyId: policy?.value.id ?? '',
            devicePolicyId: devicePolicy?.value.id ?? '',
            templateContentId: template?.value.id ?? '',
            username,
            userId: settings.userId,
            phone,
          });
          const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
          return result.ok
            ? { value: result, outcome: 'passed', detail: `${result.checks.length} checks` }
            : { value: result, outcome: 'failed', detail: `failed: ${failed.join('; ')}` };
        });
    const result: ProvisionResult = {
      ok: ctx.dryRun || check?.ok === true,
      dryRun: ctx.dryRun,
      settings,
      envValues: envValuesFor(input.location, settings),
      steps: ctx.reports,
      calls: ctx.api.http.calls,
      changed: ctx.reports.some((r) => r.outcome === 'created' || r.outcome === 'repaired'),
      names: ctx.names,
    };
    if (check) result.selfCheck = check;
    return result;
  } catch (error) {
    throw new ProvisionError(error, ctx.reports, ctx.api.http.calls);
  }
}
