import { PingOneError } from '../pingone/pingone-error.js';
import type { StepReport } from './run-step.js';

/** A failed step: carries the steps so far and the error that stopped the run. */
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

  /** The PingOne error that stopped the run, when it was one. */
  get pingoneError(): PingOneError | undefined {
    return this.cause instanceof PingOneError ? this.cause : undefined;
  }
}
