import { WORKFLOW_STEPS, type WorkflowStepNumber } from '../pingone/workflow-steps.js';

const START = '<!-- step map: generated from WORKFLOW_STEPS by `npm run docs:steps` -->';
const END = '<!-- end of step map -->';
const ENV = '/environments/{envID}';

// test/unit/pingone/step-map.test.ts holds every row to its source.
export const STEP_CODE: Record<WorkflowStepNumber, readonly [fn: string, file: string]> = {
  0: ['createWorkerTokenSource', 'src/pingone/worker-token.ts'],
  1: ['ensureApplication', 'src/provisioning/steps/application.ts'],
  2: ['readApplicationSecret', 'src/provisioning/steps/application.ts'],
  3: ['findOpenidResource', 'src/provisioning/steps/application.ts'],
  4: ['findProfileScope', 'src/provisioning/steps/application.ts'],
  5: ['ensureGrant', 'src/provisioning/steps/application.ts'],
  6: ['ensureSignOnPolicy', 'src/provisioning/steps/sign-on-policy.ts'],
  7: ['ensureMfaAction', 'src/provisioning/steps/sign-on-policy.ts'],
  8: ['ensurePolicyAssignment', 'src/provisioning/steps/sign-on-policy.ts'],
  9: ['ensureTemplateContent', 'src/provisioning/steps/template-content.ts'],
  10: ['ensurePopulation', 'src/provisioning/steps/user.ts'],
  11: ['ensureUser', 'src/provisioning/steps/user.ts'],
  12: ['setPassword', 'src/provisioning/steps/user.ts'],
  13: ['enableMfa', 'src/provisioning/steps/user.ts'],
  14: ['ensureDevicePolicy', 'src/provisioning/steps/device.ts'],
  15: ['ensureSmsDevice', 'src/provisioning/steps/device.ts'],
  16: ['startFlow', 'src/approval/start-flow.ts'],
  17: ['checkCode', 'src/approval/check-code.ts'],
  18: ['resume', 'src/approval/resume.ts'],
  19: ['finishFlow', 'src/approval/finish-flow.ts'],
};

export function stepMap(): string {
  const call = (c: string) => `\`${c.replace(` ${ENV}`, ' ')}\``;
  return [
    `Management calls are below \`https://api.pingone.{tld}/v1${ENV}\`, the others below ` +
      '`https://auth.pingone.{tld}`; `{…ID}` stands for an id.',
    '',
    '| step | name | calls | code |',
    '|---|---|---|---|',
    ...WORKFLOW_STEPS.map(({ step, name, calls }) => {
      const [fn, file] = STEP_CODE[step];
      return `| ${step} | ${name} | ${calls.map(call).join('<br>')} | \`${fn}\` in [${file}](../${file}) |`;
    }),
  ].join('\n');
}

export function withStepMap(doc: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error('the document has no step-map markers');
  return `${doc.slice(0, from + START.length)}\n\n${stepMap()}\n\n${doc.slice(to)}`;
}
