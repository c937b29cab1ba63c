import { PingOneError } from '../pingone/http.js';

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
  name: string;
  outcome: StepOutcome;
  /** From the moment the step's inputs were ready to its end. */
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

export interface StepResult<T> {
  value: T;
  /** `failed` here records a failure that is not an exception (a self-check that did not pass). */
  outcome: StepOutcome;
  detail?: string;
}

/**
 * Runs named steps and records one report per step, in completion order. Steps await each other
 * (so independent ones run concurrently); a failure is reported once, by the step where it
 * happened, and not again by the steps that were waiting for it.
 */
export class StepRunner {
  readonly reports: StepReport[] = [];
  private readonly reported = new WeakSet<object>();

  constructor(
    private readonly onStep?: (report: StepReport) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** `fn` calls `ready()` once its inputs are resolved, so that `ms` excludes the waiting. */
  async run<T>(name: string, fn: (ready: () => void) => Promise<StepResult<T>>): Promise<T> {
    let started = this.clock();
    const ready = () => {
      started = this.clock();
    };
    try {
      const result = await fn(ready);
      const report: StepReport = {
        name,
        outcome: result.outcome,
        ms: Math.round(this.clock() - started),
      };
      if (result.detail) report.detail = result.detail;
      this.emit(report);
      return result.value;
    } catch (error) {
      if (typeof error === 'object' && error !== null && !this.reported.has(error)) {
        this.reported.add(error);
        const report: StepReport = {
          name,
          outcome: 'failed',
          ms: Math.round(this.clock() - started),
          error: describeError(error),
        };
        report.detail = report.error!.message;
        this.emit(report);
      }
      throw error;
    }
  }

  /** Reports a failure no step has reported yet (a shared read that failed on its own). */
  reportUnreported(error: unknown): void {
    if (typeof error !== 'object' || error === null || this.reported.has(error)) return;
    this.reported.add(error);
    const described = describeError(error);
    this.emit({
      name: described.step,
      outcome: 'failed',
      ms: 0,
      detail: described.message,
      error: described,
    });
  }

  /**
   * Awaits every step; after all have settled, throws the first failure (reported here when no
   * step reported it: a shared read that failed on its own has no step line).
   */
  async settle<T>(pending: Promise<T>[]): Promise<T[]> {
    const settled = await Promise.allSettled(pending);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected) {
      this.reportUnreported(rejected.reason);
      throw rejected.reason;
    }
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  /** The first failure reported, if any. */
  get firstFailure(): StepReport | undefined {
    return this.reports.find((r) => r.outcome === 'failed');
  }

  private emit(report: StepReport) {
    this.reports.push(report);
    try {
      this.onStep?.(report);
    } catch {
      // Progress output must never break provisioning.
    }
  }
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

/** Memoizes an async function: every caller shares the first call's promise. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= fn());
}
