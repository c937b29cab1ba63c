import type { CallEvent } from '../pingone/call-events.js';
import { WORKFLOW_STEPS } from '../pingone/workflow-steps.js';

export type CallStep = { step: number; name: string };

const token = WORKFLOW_STEPS[19];
const byName = new Map<string, CallStep>([
  ...WORKFLOW_STEPS.map((s): [string, CallStep] => [s.name, s]),
  ...['discovery', 'jwks', 'userinfo'].map((name): [string, CallStep] => [name, token]),
]);

export function callStep(event: CallEvent): CallStep | undefined {
  if (event.workflowStep !== undefined) {
    const name = event.workflowStepName ?? WORKFLOW_STEPS[event.workflowStep]?.name;
    return name === undefined ? undefined : { step: event.workflowStep, name };
  }
  return byName.get(event.step);
}
