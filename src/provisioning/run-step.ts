import { AsyncLocalStorage } from 'node:async_hooks';
import { PingOneError } from '../pingone/pingone-error.js';
import { WORKFLOW_STEPS, type WorkflowStepNumber } from '../pingone/workflow-steps.js';

export type StepOutcome =
  | 'created'
  | 'reused'
  | 'repaired'
  | 'would-create'
  | 'would-repair'
  | 'deleted'
  | 'absent'
  | 'would-delete'
  | 'passed'
  | 'failed';

/** One line of progress: what happened to one PingOne object. */
export interface StepReport {
  /** The workflow step (`WORKFLOW_STEPS`); absent for the self-check. */
  step?: number;
  name: string;
  outcome: StepOutcome;
  /** From the step's start (its inputs were ready) to its end. */
  ms: number;
  /** What was repaired, or why it failed. Never a secret. */
  detail?: string;
  /** The failed call, when `outcome` is `failed`. */
  error?: {
    step: string;
    code: string;
    status?: number;
    pingoneErrorId?: string;
    message: string;
  };
}

/** What a step did: the object the steps after it need, and its progress line. */
export interface Outcome<T> {
  value: T;
  outcome: StepOutcome;
  detail?: string | undefined;
}

/** Where steps report: every report in the order the steps end, and who is told at once. */
export interface StepLog {
  reports: StepReport[];
  onStep?: ((report: StepReport) => void) | undefined;
}

/** A progress line: a workflow step (named as `WORKFLOW_STEPS` names it), or a name of its own. */
export type StepLine = WorkflowStepNumber | { step?: WorkflowStepNumber; name: string };

const running = new AsyncLocalStorage<number>();

/**
 * The workflow step whose code is running: a `pingone.call` subscriber (they are called
 * synchronously, in the caller's context) learns from it which step made a call.
 */
export function currentStep(): number | undefined {
  return running.getStore();
}

function record(log: StepLog, report: StepReport): void {
  log.reports.push(report);
  try {
    log.onStep?.(report);
  } catch {
    // Progress output must never break provisioning.
  }
}

/** Runs `fn` under `line`'s step; reports its failure, and its success when `line` says how. */
async function underStep<T>(
  log: StepLog,
  line: StepLine,
  fn: () => Promise<T>,
  success?: (value: T) => Pick<StepReport, 'outcome' | 'detail'>,
): Promise<T> {
  const { step, name } =
    typeof line === 'number' ? { step: line, name: WORKFLOW_STEPS[line].name } : line;
  const started = performance.now();
  const report = ({ outcome, ...rest }: Pick<StepReport, 'outcome' | 'detail' | 'error'>) => {
    const ms = Math.round(performance.now() - started);
    record(log, { ...(step !== undefined && { step }), name, outcome, ms, ...rest });
  };
  try {
    const value = await (step === undefined ? fn() : running.run(step, fn));
    if (success) report(success(value));
    return value;
  } catch (error) {
    const described = describeError(error);
    report({ outcome: 'failed', detail: described.message, error: described });
    throw error;
  }
}

/**
 * Runs one step and reports it: its outcome when it ends, or its failure (then rethrown).
 * `line` is the step's number (its name comes from `WORKFLOW_STEPS`) or a name of its own.
 */
export async function runStep<T>(
  log: StepLog,
  line: StepLine,
  fn: () => Promise<Outcome<T>>,
): Promise<T> {
  const done = await underStep(log, line, fn, ({ outcome, detail }) =>
    detail ? { outcome, detail } : { outcome },
  );
  return done.value;
}

/** Runs a read (steps 2–4, teardown's finds): no progress line of its own, unless it fails. */
export function readStep<T>(log: StepLog, step: WorkflowStepNumber, fn: () => Promise<T>) {
  return underStep(log, step, fn);
}

/**
 * `Promise.all` for the steps of one round, except that it waits for every step to end before
 * it throws the first failure: no step is still writing to PingOne, or printing, once the run
 * has failed, and each failure is reported once, by its own step.
 */
export async function allSteps<T extends readonly unknown[] | []>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = (await Promise.allSettled(steps)) as PromiseSettledResult<unknown>[];
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

function describeError(error: unknown): NonNullable<StepReport['error']> {
  if (error instanceof PingOneError) {
    const out: NonNullable<StepReport['error']> = {
      step: error.step,
      code: error.code,
      message: error.message,
    };
    if (error.status !== undefined) out.status = error.status;
    if (error.pingoneErrorId) out.pingoneErrorId = error.pingoneErrorId;
    return out;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { step: 'provisioning', code: 'INTERNAL_ERROR', message };
}
