import { AsyncLocalStorage } from 'node:async_hooks';
import { PingOneError } from '../pingone/pingone-error.js';
import { WORKFLOW_STEPS, type WorkflowStepNumber } from '../pingone/workflow-steps.js';

type StepOutcome =
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

export interface StepReport {
  step?: number;
  name: string;
  outcome: StepOutcome;
  ms: number;
  detail?: string;
  error?: ReturnType<typeof describeError>;
}

export interface Outcome<T> {
  value: T;
  outcome: StepOutcome;
  detail?: string | undefined;
}

interface StepLog {
  reports: StepReport[];
  onStep?: ((report: StepReport) => void) | undefined;
}

export type StepLine = WorkflowStepNumber | { step?: WorkflowStepNumber; name: string };

const running = new AsyncLocalStorage<number>();

// `pingone.call` subscribers run synchronously in the caller's context: this tells them the step.
export function currentStep(): number | undefined {
  return running.getStore();
}

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
    const entry: StepReport = { ...(step !== undefined && { step }), name, outcome, ms, ...rest };
    log.reports.push(entry);
    try {
      log.onStep?.(entry);
    } catch {
      // Progress output must never break provisioning.
    }
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

export function readStep<T>(log: StepLog, step: WorkflowStepNumber, fn: () => Promise<T>) {
  return underStep(log, step, fn);
}

// Waits for every step to end before it throws: no step is still writing once the run has failed.
export async function allSteps<T extends readonly unknown[] | []>(steps: T) {
  const settled = await Promise.allSettled(steps);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return Promise.all(steps);
}

function describeError(error: unknown) {
  if (!(error instanceof PingOneError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { step: 'provisioning', code: 'INTERNAL_ERROR', message };
  }
  const { step, code, message, status, pingoneErrorId } = error;
  const known = {
    ...(status !== undefined && { status }),
    ...(pingoneErrorId && { pingoneErrorId }),
  };
  return { step, code, message, ...known };
}

export class ProvisionError extends Error {
  readonly code = 'PROVISIONING_FAILED';
  constructor(
    override readonly cause: unknown,
    readonly steps: StepReport[],
    readonly calls: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ProvisionError';
  }
}
