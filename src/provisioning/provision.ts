/**
 * The idempotent provisioning plan that `npm run setup` and the embedded emulator mode both run:
 * steps 1–15 of "Create an MFA Transaction Approval using SMS", each object found by name (all
 * names share a prefix), reused, repaired when it drifted, created only when missing; then a
 * self-check that reads everything back. `teardown` removes what carries the prefix.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { createHttpClient, PingOneError, type RetryPolicy } from '../pingone/http.js';
import { createManagementContext } from '../pingone/management.js';
import { desiredNames, type DesiredNames } from './desired.js';
import { runPlan } from './plan.js';
import { selfCheck, type SelfCheckResult } from './self-check.js';
import { StepRunner, type StepReport } from './step-runner.js';
import { runTeardown } from './teardown.js';

export type { StepReport, StepOutcome } from './step-runner.js';
export type { SelfCheckResult, SelfCheckItem } from './self-check.js';
export { desiredNames, TEMPLATE_CONTENT, type DesiredNames } from './desired.js';

/** What provisioning and teardown both need: where PingOne is, the worker, the prefix. */
interface PlanInput {
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

export interface ProvisionInput extends PlanInput {
  /** The demo user's mobile number, `+` and digits. */
  phone: string;
  username: string;
  redirectUri: string;
}

export interface ProvisionSettings {
  clientId: string;
  clientSecret: string;
  username: string;
  userId: string;
  templateVariant: string;
  policyName: string;
}

export interface ProvisionResult {
  /** No step failed and the self-check passed (a dry run: no step failed). */
  ok: boolean;
  dryRun: boolean;
  settings: ProvisionSettings;
  /** Exactly what setup writes to the env file. */
  envValues: Record<string, string>;
  steps: StepReport[];
  /** HTTP calls made, retries included. */
  calls: number;
  /** True when something was created or repaired. */
  changed: boolean;
  /** Absent on a dry run. */
  selfCheck?: SelfCheckResult;
  names: DesiredNames;
}

/** A failed step: carries the steps so far and the PingOne error that stopped the run. */
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

/** The env file lines setup owns. The API/auth URLs only when overridden (emulator, proxy). */
export function envValuesFor(
  location: PingOneLocation,
  settings: ProvisionSettings,
): Record<string, string> {
  const values: Record<string, string> = {
    PINGONE_ENVIRONMENT_ID: location.environmentId,
    PINGONE_REGION: location.region,
    PINGONE_CLIENT_ID: settings.clientId,
    PINGONE_CLIENT_SECRET: settings.clientSecret,
    PINGONE_USERNAME: settings.username,
    PINGONE_TEMPLATE_VARIANT: settings.templateVariant,
    PINGONE_POLICY_NAME: settings.policyName,
  };
  if (location.apiUrl) values.PINGONE_API_URL = location.apiUrl;
  if (location.authUrl) values.PINGONE_AUTH_URL = location.authUrl;
  return values;
}

function clientFor(input: PlanInput) {
  const http = createHttpClient({
    fetch: input.fetch,
    timeoutMs: input.timeoutMs,
    retry: input.retry,
    sleep: input.sleep,
  });
  return {
    http,
    ctx: createManagementContext({ location: input.location, worker: input.worker, http }),
  };
}

/**
 * Provisions (or checks, with `dryRun`) one PingOne environment for the SMS transaction approval.
 * Idempotent: a second run against an unchanged environment makes only reads.
 *
 * @throws {ProvisionError} when a step fails (after the steps running beside it have ended).
 */
export async function provision(input: ProvisionInput): Promise<ProvisionResult> {
  const { http, ctx } = clientFor(input);
  const names = desiredNames(input.prefix);
  const steps = new StepRunner(input.onStep);
  const dryRun = input.dryRun ?? false;
  try {
    const plan = await runPlan(ctx, steps, {
      names,
      phone: input.phone,
      username: input.username,
      redirectUri: input.redirectUri,
      dryRun,
      ...(input.sleep ? { sleep: input.sleep } : {}),
    });
    const settings: ProvisionSettings = {
      clientId: plan.application?.id ?? '',
      clientSecret: plan.clientSecret,
      username: input.username,
      userId: plan.user?.id ?? '',
      templateVariant: names.templateVariant,
      policyName: names.policyName,
    };
    let check: SelfCheckResult | undefined;
    if (!dryRun) {
      check = await steps.run('self-check', async () => {
        const result = await selfCheck(ctx, {
          applicationId: settings.clientId,
          redirectUri: input.redirectUri,
          openidResourceId: plan.openidResourceId ?? '',
          scopeIds: plan.scopeIds,
          policyId: plan.policy?.id ?? '',
          devicePolicyId: plan.devicePolicy?.id ?? '',
          templateContentId: plan.templateContent?.id ?? '',
          username: input.username,
          userId: settings.userId,
          phone: input.phone,
        });
        const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
        return result.ok
          ? { value: result, outcome: 'passed' as const, detail: `${result.checks.length} checks` }
          : { value: result, outcome: 'failed' as const, detail: `failed: ${failed.join('; ')}` };
      });
    }
    const changed = steps.reports.some((r) => r.outcome === 'created' || r.outcome === 'repaired');
    const result: ProvisionResult = {
      ok: dryRun ? true : check?.ok === true,
      dryRun,
      settings,
      envValues: envValuesFor(input.location, settings),
      steps: steps.reports,
      calls: http.calls,
      changed,
      names,
    };
    if (check) result.selfCheck = check;
    return result;
  } catch (error) {
    throw new ProvisionError(error, steps.reports, http.calls);
  }
}

export type TeardownInput = PlanInput;

export interface TeardownResult {
  steps: StepReport[];
  calls: number;
  /** True when something was deleted. */
  changed: boolean;
}

/**
 * Deletes every object whose name carries the prefix (and the users of its population), in
 * dependency order. Running it again finds nothing and deletes nothing.
 *
 * @throws {ProvisionError} when a deletion fails.
 */
export async function teardown(input: TeardownInput): Promise<TeardownResult> {
  const { http, ctx } = clientFor(input);
  const steps = new StepRunner(input.onStep);
  try {
    await runTeardown(ctx, steps, desiredNames(input.prefix), input.dryRun ?? false);
  } catch (error) {
    throw new ProvisionError(error, steps.reports, http.calls);
  }
  return {
    steps: steps.reports,
    calls: http.calls,
    changed: steps.reports.some((r) => r.outcome === 'deleted'),
  };
}
