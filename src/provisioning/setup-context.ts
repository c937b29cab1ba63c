import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { createHttpClient, type RetryPolicy } from '../pingone/http.js';
import { createManagementContext, type ManagementContext } from '../pingone/management.js';
import { desiredNames, type DesiredNames } from './desired-names.js';
import type { StepLog, StepReport } from './run-step.js';

/** What provisioning and teardown both need: where PingOne is, the worker, the prefix. */
export interface SetupInput {
  location: PingOneLocation;
  worker: WorkerCredentials;
  /** Every object's name starts with it; the template variant derives from it. */
  prefix: string;
  /** Reads only: reports what would be created, repaired or deleted. */
  dryRun?: boolean;
  fetch?: typeof fetch;
  /** Per call (default 10 s). */
  timeoutMs?: number;
  /** Called as each step ends, for progress output. */
  onStep?: (s: StepReport) => void;
  /** Retry tuning (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
  /** Injectable wait for retries and re-reads (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** What every step sees: PingOne, the names of what it owns, whether it may write, its log. */
export interface SetupContext extends StepLog {
  api: ManagementContext;
  names: DesiredNames;
  dryRun: boolean;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** Provisioning's steps also know the demo user and the application's redirect URI. */
export interface ProvisionContext extends SetupContext {
  /** The demo user's mobile number, `+` and digits. */
  phone: string;
  username: string;
  redirectUri: string;
}

/**
 * An object a step found or made; `fresh` when this run created it, so that nothing can be
 * under it yet (the steps after it skip that read).
 */
export interface Found<T> {
  value: T;
  fresh: boolean;
}

/** One HTTP client per run: its call count is the run's. */
export function createSetupContext(input: SetupInput): SetupContext {
  const http = createHttpClient({
    fetch: input.fetch,
    timeoutMs: input.timeoutMs,
    retry: input.retry,
    sleep: input.sleep,
  });
  return {
    api: createManagementContext({ location: input.location, worker: input.worker, http }),
    names: desiredNames(input.prefix),
    dryRun: input.dryRun ?? false,
    sleep: input.sleep,
    reports: [],
    onStep: input.onStep,
  };
}
