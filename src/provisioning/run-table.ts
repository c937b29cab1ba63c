import { once, type StepRunner } from './step-runner.js';
import type { Plan, StepRow } from './step-row.js';

/**
 * The one runner: starts the rows in workflow order; a row awaits only the rows it needs, so every
 * independent call runs concurrently. Throws the first failure after every running row has settled.
 */
export async function runTable(
  rows: readonly StepRow[],
  base: Omit<Plan, 'need'>,
  steps: StepRunner,
): Promise<Map<number, unknown>> {
  const started = new Map<number, () => Promise<unknown>>();
  const plan: Plan = {
    ...base,
    need: <T>(n: number) => {
      const row = started.get(n);
      if (!row) throw new Error(`no provisioning step ${n}`);
      return row() as Promise<T>;
    },
  };
  for (const row of rows) {
    started.set(
      row.step,
      once(() =>
        row.read
          ? row.run(plan, () => undefined).then((r) => r.value)
          : steps.run(row.name, (ready) => row.run(plan, ready)),
      ),
    );
  }
  const values = await steps.settle(rows.map((row) => plan.need(row.step)));
  return new Map(rows.map((row, i) => [row.step, values[i]]));
}
