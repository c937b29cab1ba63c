import {
  deleteApplication,
  deleteDeviceAuthenticationPolicy,
  deletePopulation,
  deleteSignOnPolicy,
  deleteTransactionContent,
  deleteUser,
  listApplications,
  listDeviceAuthenticationPolicies,
  listPopulations,
  listSignOnPolicies,
  listTransactionContents,
  listUsersInPopulation,
  type ManagementContext,
} from '../management.js';
import { sameVariant, TEMPLATE_DELIVERY, type DesiredNames } from './desired.js';
import { once, type StepResult, type StepRunner } from './step-runner.js';

/**
 * Deletes everything that carries the prefix, in dependency order: the application (its grants
 * and policy assignments go with it), the users of our population (their devices go with them)
 * and the template content first; then the sign-on policy (its actions go with it) and the
 * population; the device policy last, once nothing points at it.
 */
export async function runTeardown(
  ctx: ManagementContext,
  steps: StepRunner,
  names: DesiredNames,
  dryRun: boolean,
): Promise<void> {
  const remove = async (
    items: { id: string }[],
    del: (id: string) => Promise<boolean>,
  ): Promise<StepResult<undefined>> => {
    if (!items.length) return { value: undefined, outcome: 'absent' };
    if (dryRun) return { value: undefined, outcome: 'would-delete', detail: `${items.length}` };
    await Promise.all(items.map((i) => del(i.id)));
    return {
      value: undefined,
      outcome: 'deleted',
      detail: items.length > 1 ? `${items.length}` : undefined,
    };
  };
  const byName = (name: string) => (item: { name?: string }) => item.name === name;

  const populations = once(async () =>
    (await listPopulations(ctx)).filter(byName(names.populationName)),
  );

  const application = once(() =>
    steps.run('application', async (ready) => {
      const apps = (await listApplications(ctx)).filter(byName(names.applicationName));
      ready();
      return remove(apps, (id) => deleteApplication(ctx, id));
    }),
  );
  const content = once(() =>
    steps.run('template content', async (ready) => {
      const mine = (await listTransactionContents(ctx)).filter(
        (c) =>
          sameVariant(c.variant, names.templateVariant) &&
          (c.deliveryMethod ?? '').toLowerCase() === TEMPLATE_DELIVERY.toLowerCase(),
      );
      ready();
      return remove(mine, (id) => deleteTransactionContent(ctx, id));
    }),
  );
  const users = once(() =>
    steps.run('users', async (ready) => {
      const pops = await populations();
      const lists = await Promise.all(pops.map((p) => listUsersInPopulation(ctx, p.id)));
      ready();
      return remove(lists.flat(), (id) => deleteUser(ctx, id));
    }),
  );
  const policy = once(() =>
    steps.run('sign-on policy', async (ready) => {
      const [mine] = await Promise.all([
        listSignOnPolicies(ctx).then((all) => all.filter(byName(names.policyName))),
        application(),
      ]);
      ready();
      return remove(mine, (id) => deleteSignOnPolicy(ctx, id));
    }),
  );
  const population = once(() =>
    steps.run('population', async (ready) => {
      const [pops] = await Promise.all([populations(), users()]);
      ready();
      return remove(pops, (id) => deletePopulation(ctx, id));
    }),
  );
  const devicePolicy = once(() =>
    steps.run('device policy', async (ready) => {
      const [mine] = await Promise.all([
        listDeviceAuthenticationPolicies(ctx).then((all) =>
          all.filter(byName(names.devicePolicyName)),
        ),
        policy(),
        users(),
      ]);
      ready();
      return remove(mine, (id) => deleteDeviceAuthenticationPolicy(ctx, id));
    }),
  );

  const settled = await Promise.allSettled([
    application(),
    content(),
    users(),
    policy(),
    population(),
    devicePolicy(),
  ]);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) {
    steps.reportUnreported(rejected.reason);
    throw rejected.reason;
  }
}
