import type { ManagementContext, PingOneResource } from '../pingone/management.js';
import { createOnce } from './create-once.js';
import type { StepResult } from './step-runner.js';
import type { Held, Plan } from './step-row.js';

export function oldest<T extends PingOneResource>(items: T[]): T | undefined {
  return [...items].sort((a, b) =>
    String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')),
  )[0];
}

/** Every object of `list` named `name`. */
export async function allNamed<T extends { name?: string }>(
  ctx: ManagementContext,
  list: (ctx: ManagementContext) => Promise<T[]>,
  name: string,
): Promise<T[]> {
  return (await list(ctx)).filter((item) => item.name === name);
}

/** Finds the oldest object of `list` named `name` (a run that raced another made two). */
export const named =
  <T extends PingOneResource & { name?: string }>(
    plan: Plan,
    list: (ctx: ManagementContext) => Promise<T[]>,
    name: string,
  ) =>
  async (): Promise<T | undefined> =>
    oldest(await allNamed(plan.ctx, list, name));

/**
 * The find-or-create-or-repair every top-level object shares: reuse what is there and matches,
 * repair what drifted (`update` returns the changed fields), create only what is missing.
 */
export async function ensure<T>(
  plan: Plan,
  o: {
    /** What the run already found; read with `find` when not given. */
    existing?: T | undefined;
    find: () => Promise<T | undefined>;
    create: () => Promise<T>;
    drift?: (existing: T) => string[];
    update?: (existing: T) => Promise<Partial<T>>;
  },
): Promise<StepResult<Held<T> | undefined>> {
  const existing = 'existing' in o ? o.existing : await o.find();
  if (!existing) {
    if (plan.dryRun) return { value: undefined, outcome: 'would-create' };
    const created = await createOnce({ find: o.find, create: o.create, ...plan.retry });
    return { value: { value: created, fresh: true }, outcome: 'created' };
  }
  const held = { value: existing, fresh: false };
  const drift = o.drift?.(existing) ?? [];
  if (!drift.length || !o.update) return { value: held, outcome: 'reused' };
  const detail = drift.join(', ');
  if (plan.dryRun) return { value: held, outcome: 'would-repair', detail };
  const updated = await o.update(existing);
  return {
    value: { value: { ...existing, ...updated }, fresh: false },
    outcome: 'repaired',
    detail,
  };
}

/** The outcome of creating an object a step needs: `created` under a parent this run made, else a repair. */
export const madeOrRepaired = (parentFresh: boolean, detail: string): StepResult<undefined> =>
  parentFresh
    ? { value: undefined, outcome: 'created' }
    : { value: undefined, outcome: 'repaired', detail };

/**
 * Creates an object that lives under a parent (a grant, an action, an assignment) and was found
 * missing; a dry run only says so. `find` reads the parent's list again for createOnce.
 */
export async function createMissing(
  plan: Plan,
  parentFresh: boolean,
  o: { find: () => Promise<unknown>; create: () => Promise<unknown>; detail: string },
): Promise<StepResult<undefined>> {
  if (plan.dryRun) return { value: undefined, outcome: 'would-create' };
  await createOnce({ find: o.find, create: o.create, ...plan.retry });
  return madeOrRepaired(parentFresh, o.detail);
}
