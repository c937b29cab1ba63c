import { PingOneError } from '../pingone/http.js';
import type { StepReport } from './run-step.js';

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

  get pingoneError(): PingOneError | undefined {
    return this.cause instanceof PingOneError ? this.cause : undefined;
  }
}
