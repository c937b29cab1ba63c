import type { ManagementContext, PingOneResource } from '../management.js';
import { createOnce } from './create-once.js';
import type { DesiredNames } from './desired.js';
import { once, type StepResult, type StepRunner } from './step-runner.js';

export interface PlanInput {
  names: DesiredNames;
  phone: string;
  username: string;
  redirectUri: string;
  dryRun: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** An object the plan found or made; `fresh` when this run created it (nothing to read under it). */
export interface Held<T> {
  value: T;
  fresh: boolean;
}

/** What a row's `run` sees: the input, PingOne, and the other rows' results by step number. */
export interface Plan extends PlanInput {
  ctx: ManagementContext;
  retry: { sleep?: (ms: number) => Promise<void> };
  /** The result of step `n`, started on first use and shared by every row that needs it. */
  need<T>(n: number): Promise<T>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function, named for the map
type Fn = (...args: any[]) => unknown;

/**
 * One of the 15 workflow steps. The function fields name the code that does each part (the
 * step -> function map is generated from them); `run` is the step itself, and only calls those.
 */
export interface StepRow<T = unknown> {
  step: number;
  /** The name the progress line carries. */
  name: string;
  find: Fn[];
  build?: Fn[];
  compare?: Fn[];
  create?: Fn[];
  update?: Fn[];
  /** A read (steps 2-4): it has no progress line of its own, its failure is reported as the call's. */
  read?: true;
  run(plan: Plan, ready: () => void): Promise<StepResult<T>>;
  /** How teardown deletes what this step made (absent: it goes with an object deleted earlier). */
  teardown?: Teardown;
  /** What the self-check reads back after the run, and what must hold of it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row reads its own type
  check?: Check<any>;
}

export interface SelfCheckInput {
  applicationId: string;
  redirectUri: string;
  openidResourceId: string;
  /** The scope ids the grant must hold (profile). */
  scopeIds: string[];
  policyId: string;
  devicePolicyId: string;
  templateContentId: string;
  username: string;
  userId: string;
  phone: string;
}

/** What the self-check sees: PingOne, what the run made, and what other rows' checks read. */
export interface CheckPlan {
  ctx: ManagementContext;
  input: SelfCheckInput;
  found<T>(n: number): Promise<T>;
}

/** One condition: its name, whether it holds, and (when it does not) why. */
export type CheckItem = [name: string, ok: boolean, detail?: string];

export interface Check<T = never> {
  read(plan: CheckPlan): Promise<T>;
  items(found: T, input: SelfCheckInput): CheckItem[];
}

/** What a row's teardown sees: PingOne, the names, and what other rows' teardowns found. */
export interface TeardownPlan {
  ctx: ManagementContext;
  names: DesiredNames;
  found(n: number): Promise<{ id: string }[]>;
}

export interface Teardown {
  /** The progress name, when it differs from the step's. */
  name?: string;
  find(plan: TeardownPlan): Promise<{ id: string }[]>;
  remove(ctx: ManagementContext, id: string): Promise<boolean>;
  /** Steps whose objects point at these, so must be deleted first. */
  after?: number[];
}

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
  const settled = await Promise.allSettled(rows.map((row) => plan.need(row.step)));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) {
    // A failed read (steps 2-4) has no step line of its own: report it here.
    steps.reportUnreported(rejected.reason);
    throw rejected.reason;
  }
  return new Map(
    rows.map((row, i) => [row.step, (settled[i] as PromiseFulfilledResult<unknown>).value]),
  );
}
