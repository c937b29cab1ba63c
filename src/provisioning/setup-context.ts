import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { createHttpClient, type RetryPolicy } from '../pingone/http.js';
import { createManagementContext, type ManagementContext } from '../pingone/management.js';
import { desiredNames, type DesiredNames } from './desired-names.js';
import type { StepLog, StepReport } from './run-step.js';

export interface SetupInput {
  location: PingOneLocation;
  worker: WorkerCredentials;
  prefix: string;
  dryRun?: boolean;
  fetch?: typeof fetch;
  timeoutMs?: number;
  onStep?: (s: StepReport) => void;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

export interface SetupContext extends StepLog {
  api: ManagementContext;
  names: DesiredNames;
  dryRun: boolean;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface ProvisionContext extends SetupContext {
  phone: string;
  username: string;
  redirectUri: string;
}

// `fresh`: made by this run, so nothing can be under it yet.
export interface Found<T> {
  value: T;
  fresh: boolean;
}

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
