import {
  apiPath,
  listAll,
  remove,
  type ManagementContext,
  type TemplateContent,
  type User,
} from '../pingone/management.js';
import { allNamed } from './find-or-create.js';
import { allSteps, ProvisionError, readStep, runStep, type StepLine } from './run-step.js';
import { createSetupContext, type SetupContext, type SetupInput } from './find-or-create.js';
import { listApplications } from './steps/application.js';
import { listDevicePolicies } from './steps/device.js';
import { listPopulations } from './steps/user.js';
import { listSignOnPolicies } from './steps/sign-on-policy.js';
import { listTransactionContents, sameText, TEMPLATE_DELIVERY } from './steps/template-content.js';

function removeFound(
  ctx: SetupContext,
  line: StepLine,
  found: { id: string }[],
  what: string,
  base: string,
): Promise<void> {
  return runStep(ctx, line, async () => {
    const count = `${found.length}`;
    if (!found.length) return { value: undefined, outcome: 'absent' };
    if (ctx.dryRun) return { value: undefined, outcome: 'would-delete', detail: count };
    await Promise.all(found.map((o) => remove(ctx.api, what, base + apiPath`/${o.id}`)));
    return { value: undefined, outcome: 'deleted', detail: found.length > 1 ? count : undefined };
  });
}

async function usersIn(api: ManagementContext, populationId: string): Promise<User[]> {
  const users = await listAll<User>(api, 'list population users', '/users', 'users', {
    filter: `population.id eq "${populationId}"`,
  });
  return users.filter((u) => u.population?.id === populationId);
}

// Deletes what carries the prefix, each after what points at it.
export async function teardown(input: SetupInput) {
  const ctx = createSetupContext(input);
  const { api, names } = ctx;
  const ourContent = (c: TemplateContent) =>
    sameText(c.variant, names.templateVariant) && sameText(c.deliveryMethod, TEMPLATE_DELIVERY);
  try {
    const [apps, contents, policies, populations, devicePolicies] = await allSteps([
      readStep(ctx, 1, async () => allNamed(await listApplications(api), names.applicationName)),
      readStep(ctx, 9, async () => (await listTransactionContents(api)).filter(ourContent)),
      readStep(ctx, 6, async () => allNamed(await listSignOnPolicies(api), names.policyName)),
      readStep(ctx, 10, async () => allNamed(await listPopulations(api), names.populationName)),
      readStep(ctx, 14, async () =>
        allNamed(await listDevicePolicies(api), names.devicePolicyName),
      ),
    ]);
    // Every user of our population; a user outside it (given with --username) is left alone.
    const users = await readStep(ctx, 11, async () =>
      (await Promise.all(populations.map((p) => usersIn(api, p.id)))).flat(),
    );
    // Nothing of ours points at these. The application's grants and policy assignment go with
    // it, the users' devices, passwords and MFA with them.
    await allSteps([
      removeFound(ctx, 1, apps, 'delete application', '/applications'),
      removeFound(ctx, { step: 11, name: 'users' }, users, 'delete user', '/users'),
      removeFound(ctx, 9, contents, 'delete template content', '/templates/transaction/contents'),
    ]);
    // No application is assigned the policy (its MFA action goes with it), no user is in the
    // population any more.
    await allSteps([
      removeFound(ctx, 6, policies, 'delete sign-on policy', '/signOnPolicies'),
      removeFound(ctx, 10, populations, 'delete population', '/populations'),
    ]);
    // Last: the MFA action and the users' devices pointed at it.
    const base = '/deviceAuthenticationPolicies';
    await removeFound(ctx, 14, devicePolicies, 'delete device policy', base);
  } catch (error) {
    throw new ProvisionError(error, ctx.reports, ctx.api.http.calls);
  }
  return {
    steps: ctx.reports,
    calls: ctx.api.http.calls,
    changed: ctx.reports.some((r) => r.outcome === 'deleted'),
  };
}
