import type { ManagementContext } from '../pingone/management.js';
import type { DesiredNames } from './desired.js';
import type { StepResult } from './step-runner.js';

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
  /** `SMS_MAX_SEGMENTS`, when known: what the transaction SMS may take. */
  smsMaxSegments?: number;
}

/** What the self-check sees: PingOne, what the run made, and what other rows' checks read. */
export interface CheckPlan {
  ctx: ManagementContext;
  input: SelfCheckInput;
  found<T>(n: number): Promise<T>;
}

/**
 * One condition: its name, whether it holds, (when it does not) why, and what it measured when
 * that is worth reading either way.
 */
export type CheckItem = [name: string, ok: boolean, detail?: string, report?: string];

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
