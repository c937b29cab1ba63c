import type { ManagementContext, PingOneResource } from '../management.js';
import type { DesiredNames } from './desired.js';
import { allNamed, ensure, named } from './ensure.js';
import type { Held, Plan, StepRow } from './step-row.js';

type Named = PingOneResource & { name?: string };

/**
 * The row of a step that owns one top-level object found again by its name: the run reuses the
 * oldest of that name, repairs its drift or creates it; teardown deletes every one of that name.
 * `build`, `compare` and `update` name the functions for the step map (`build[0]` is the body).
 */
export function namedRow<T extends Named>(o: {
  step: number;
  name: string;
  nameOf: (names: DesiredNames) => string;
  list: (ctx: ManagementContext) => Promise<T[]>;
  create: (ctx: ManagementContext, body: never) => Promise<T>;
  desired: (plan: Plan) => unknown;
  remove: (ctx: ManagementContext, id: string) => Promise<boolean>;
  /** Steps whose objects point at this one, so teardown deletes them first. */
  after?: number[];
  drift?: (plan: Plan, existing: T) => string[];
  /** The repaired object, written back whole (a PUT replaces it). */
  repair?: (plan: Plan, existing: T) => Promise<Partial<T>>;
  row: Pick<StepRow, 'build' | 'compare' | 'update' | 'check'>;
}): StepRow<Held<T> | undefined> {
  const { step, name, nameOf, list, create, remove, after, drift, repair } = o;
  return {
    step,
    name,
    find: [list],
    create: [create],
    ...o.row,
    teardown: {
      find: ({ ctx, names }) => allNamed(ctx, list, nameOf(names)),
      remove,
      ...(after && { after }),
    },
    run: (plan) =>
      ensure(plan, {
        find: named(plan, list, nameOf(plan.names)),
        create: () => create(plan.ctx, o.desired(plan) as never),
        ...(drift && { drift: (existing: T) => drift(plan, existing) }),
        ...(repair && { update: (existing: T) => repair(plan, existing) }),
      }),
  };
}
