import { WORKFLOW_STEPS } from '../pingone/workflow-steps.js';
import type { CallEvent } from '../pingone/call-events.js';
import { DOCS } from './doc-links.js';
import { path, type StepDraft } from './step-parts.js';

// Steps 1–15 are made once before any approval: by the embedded start-up, or earlier by `npm run setup`.
export function setupStep(calls: readonly CallEvent[] | undefined, at: Date): StepDraft {
  const byStep = new Map<number, CallEvent[]>();
  for (const call of calls ?? []) {
    if (call.workflowStep === undefined || call.workflowStep > 15) continue;
    byStep.set(call.workflowStep, [...(byStep.get(call.workflowStep) ?? []), call]);
  }
  const fields = [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, list]): [string, string] => [
      `${n} ${WORKFLOW_STEPS[n]!.name}`,
      list.map((c) => `${c.method} ${path(c.url)} ${c.status ?? 'no answer'}`).join(' · '),
    ]);
  const count = [...byStep.values()].reduce((sum, list) => sum + list.length, 0);
  return {
    kind: 'setup',
    from: 'rp',
    to: 'pingone',
    title: 'Setup: steps 1–15',
    request: count ? `${count} calls at start-up` : 'npm run setup',
    ok: true,
    at: at.toISOString(),
    summary: count
      ? `The embedded start-up provisioned the emulator with the same code as npm run setup: ${count} calls.`
      : 'Provisioned earlier by `npm run setup`: the application, its sign-on policy, the SMS template, the user and the SMS device.',
    sections: count
      ? [
          {
            title: 'The calls, by workflow step (0 is the worker token)',
            fields,
            note: 'Each step finds its object and creates or repairs it only when needed: a second start changes nothing.',
          },
        ]
      : [],
    doc: DOCS.workflow,
  };
}
