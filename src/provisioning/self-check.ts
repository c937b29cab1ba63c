import type { ManagementContext } from '../pingone/management.js';
import { once } from './step-runner.js';
import { SETUP_STEPS } from './steps/index.js';
import type { CheckPlan, SelfCheckInput } from './step-row.js';

export type { SelfCheckInput } from './step-row.js';

export interface SelfCheckItem {
  name: string;
  ok: boolean;
  detail?: string;
  /** What the check measured (the SMS's encoding and segments), pass or fail. */
  report?: string;
}

export interface SelfCheckResult {
  ok: boolean;
  checks: SelfCheckItem[];
}

/**
 * Reads the provisioned objects back (each row's read, concurrently, reads only) and checks what
 * makes the approval flow work, rather than trusting the answers of the writes.
 */
export async function selfCheck(
  ctx: ManagementContext,
  input: SelfCheckInput,
): Promise<SelfCheckResult> {
  const rows = SETUP_STEPS.filter((r) => r.check);
  const plan: CheckPlan = { ctx, input, found: <T>(n: number) => reads.get(n)!() as Promise<T> };
  const reads = new Map(rows.map((row) => [row.step, once(() => row.check!.read(plan))]));
  const found = await Promise.all(rows.map((r) => plan.found(r.step)));
  const checks = rows.flatMap((row, i) =>
    row.check!.items(found[i], input).map(([name, ok, detail, report]): SelfCheckItem => ({
      name,
      ok,
      ...(detail && !ok ? { detail } : {}),
      ...(report ? { report } : {}),
    })),
  );
  return { ok: checks.every((c) => c.ok), checks };
}
