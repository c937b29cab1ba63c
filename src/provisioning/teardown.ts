import type { ManagementContext } from '../pingone/management.js';
import type { DesiredNames } from './desired.js';
import { once, type StepResult, type StepRunner } from './step-runner.js';
import { SETUP_STEPS } from './steps/index.js';
import type { StepRow, TeardownPlan } from './step-row.js';

/**
 * Deletes everything that carries the prefix: the table's rows backwards, each row that deletes
 * waiting only for the rows whose objects point at its own (`after`), so the application, the
 * users and the template content go first, then the sign-on policy and the population, the
 * device policy last.
 */
export async function runTeardown(
  ctx: ManagementContext,
  steps: StepRunner,
  names: DesiredNames,
  dryRun: boolean,
  rows: readonly StepRow[] = SETUP_STEPS,
): Promise<void> {
  const deleting = [...rows].reverse().filter((r) => r.teardown);
  const plan: TeardownPlan = { ctx, names, found: (n) => found.get(n)!() };
  const found = new Map(
    deleting.map(({ step, teardown }) => [step, once(() => teardown!.find(plan))]),
  );
  const deleted = new Map<number, () => Promise<undefined>>();
  for (const { step, name, teardown: t } of deleting) {
    const run = async (ready: () => void): Promise<StepResult<undefined>> => {
      const [items] = await Promise.all([
        plan.found(step),
        ...(t!.after ?? []).map((n) => deleted.get(n)!()),
      ]);
      ready();
      if (!items.length) return { value: undefined, outcome: 'absent' };
      const count = `${items.length}`;
      if (dryRun) return { value: undefined, outcome: 'would-delete', detail: count };
      await Promise.all(items.map((i) => t!.remove(ctx, i.id)));
      return { value: undefined, outcome: 'deleted', detail: items.length > 1 ? count : undefined };
    };
    deleted.set(
      step,
      once(() => steps.run(t!.name ?? name, run)),
    );
  }
  await steps.settle(deleting.map((r) => deleted.get(r.step)!()));
}
