import type {
  Application,
  DeviceAuthenticationPolicy,
  ManagementContext,
  Population,
  SignOnPolicy,
  TemplateContent,
  User,
} from '../pingone/management.js';
import { SETUP_STEPS } from './steps/index.js';
import type { StepRunner } from './step-runner.js';
import { runTable } from './run-table.js';
import type { Held, PlanInput } from './step-row.js';

export interface PlanOutcome {
  application?: Application;
  clientSecret: string;
  openidResourceId?: string;
  scopeIds: string[];
  policy?: SignOnPolicy;
  devicePolicy?: DeviceAuthenticationPolicy;
  templateContent?: TemplateContent;
  population?: Population;
  user?: User;
}

/**
 * Runs the 15 steps of the table. A first run is 6 round trips deep (token, lists, creates of
 * independent objects, creates under them, password + MFA + device, self-check); a second run is
 * reads only. Throws the first failure after every running step has settled.
 */
export async function runPlan(
  ctx: ManagementContext,
  steps: StepRunner,
  input: PlanInput,
): Promise<PlanOutcome> {
  const retry = input.sleep ? { sleep: input.sleep } : {};
  const results = await runTable(SETUP_STEPS, { ...input, ctx, retry }, steps);
  const held = <T>(n: number) => (results.get(n) as Held<T> | undefined)?.value;
  const outcome: PlanOutcome = {
    clientSecret: results.get(2) as string,
    openidResourceId: results.get(3) as string,
    scopeIds: results.get(4) as string[],
  };
  const found = {
    application: held<Application>(1),
    policy: held<SignOnPolicy>(6),
    templateContent: held<TemplateContent>(9),
    population: held<Population>(10),
    user: held<User>(11),
    devicePolicy: held<DeviceAuthenticationPolicy>(14),
  };
  for (const [key, value] of Object.entries(found)) {
    if (value) Object.assign(outcome, { [key]: value });
  }
  return outcome;
}
