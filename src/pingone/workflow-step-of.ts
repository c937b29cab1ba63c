import { WORKFLOW_STEPS, type WorkflowStep } from './workflow-steps.js';

const byName = new Map<string, WorkflowStep>(WORKFLOW_STEPS.map((step) => [step.name, step]));
let byCall: Array<{ method: string; path: RegExp; step: WorkflowStep }> | undefined;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The step of Ping's workflow a call belongs to, from the one table (src/pingone/workflow-steps.ts):
 * by the call's name when it is a step's (`otp.check`, `worker token`), else by its method and
 * path against the table's calls, so that management calls need not name their step twice.
 * The name decides first because one path serves two steps (`/as/token`: steps 0 and 19).
 */
export function workflowStepOf(
  name: string,
  method: string,
  url: string,
): WorkflowStep | undefined {
  const named = byName.get(name);
  if (named) return named;
  byCall ??= WORKFLOW_STEPS.flatMap((step) =>
    step.calls.map((call) => {
      const [verb = '', path = ''] = call.split(' ');
      const pattern = path
        .split(/\{[^}]+\}/)
        .map(escape)
        .join('[^/]+');
      return { method: verb, path: new RegExp(`${pattern}$`), step };
    }),
  );
  const path = URL.canParse(url) ? new URL(url).pathname : url;
  return byCall.find((call) => call.method === method && call.path.test(path))?.step;
}
