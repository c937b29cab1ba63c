/**
 * The 19 steps of Ping's workflow "Create an MFA Transaction Approval using SMS", in its order,
 * with the PingOne calls each one makes (docs/pingone-contract.md §3, §4, §6). Steps 1–15 are
 * provisioning (`npm run setup`, the embedded start-up), 16–19 are every approval. Step 0 is the
 * worker token the management calls need.
 *
 * One table for everyone: provisioning reports its steps by these numbers and names, every
 * call it makes is one of its step's `calls` (test/integration/setup-step-calls.test.ts), and
 * the step map in the docs is generated from it (`npm run docs:steps`).
 *
 * A call is `METHOD path`; management paths are relative to the management base (`…/v1`), auth
 * paths to the auth host; `{…}` stands for an id.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
export interface WorkflowStep {
  step: number;
  name: string;
  calls: readonly string[];
}

const ENV = '/environments/{envID}';

export const WORKFLOW_STEPS = [
  { step: 0, name: 'worker token', calls: ['POST /{envID}/as/token'] },
  {
    step: 1,
    name: 'application',
    calls: [
      `GET ${ENV}/applications`,
      `POST ${ENV}/applications`,
      `GET ${ENV}/applications/{appID}`,
      `PUT ${ENV}/applications/{appID}`,
      `DELETE ${ENV}/applications/{appID}`,
    ],
  },
  { step: 2, name: 'application secret', calls: [`GET ${ENV}/applications/{appID}/secret`] },
  { step: 3, name: 'openid resource', calls: [`GET ${ENV}/resources`] },
  { step: 4, name: 'profile scope', calls: [`GET ${ENV}/resources/{resourceID}/scopes`] },
  {
    step: 5,
    name: 'openid grant',
    calls: [
      `GET ${ENV}/applications/{appID}/grants`,
      `POST ${ENV}/applications/{appID}/grants`,
      `PUT ${ENV}/applications/{appID}/grants/{grantID}`,
    ],
  },
  {
    step: 6,
    name: 'sign-on policy',
    calls: [
      `GET ${ENV}/signOnPolicies`,
      `POST ${ENV}/signOnPolicies`,
      `DELETE ${ENV}/signOnPolicies/{policyID}`,
    ],
  },
  {
    step: 7,
    name: 'MFA action',
    calls: [
      `GET ${ENV}/signOnPolicies/{policyID}/actions`,
      `POST ${ENV}/signOnPolicies/{policyID}/actions`,
      `GET ${ENV}/signOnPolicies/{policyID}/actions/{actionID}`,
      `PUT ${ENV}/signOnPolicies/{policyID}/actions/{actionID}`,
    ],
  },
  {
    step: 8,
    name: 'policy assignment',
    calls: [
      `GET ${ENV}/applications/{appID}/signOnPolicyAssignments`,
      `POST ${ENV}/applications/{appID}/signOnPolicyAssignments`,
    ],
  },
  {
    step: 9,
    name: 'template content',
    calls: [
      `GET ${ENV}/templates/transaction/contents`,
      `POST ${ENV}/templates/transaction/contents`,
      `GET ${ENV}/templates/transaction/contents/{contentID}`,
      `PUT ${ENV}/templates/transaction/contents/{contentID}`,
      `DELETE ${ENV}/templates/transaction/contents/{contentID}`,
    ],
  },
  {
    step: 10,
    name: 'population',
    calls: [
      `GET ${ENV}/populations`,
      `POST ${ENV}/populations`,
      `DELETE ${ENV}/populations/{populationID}`,
    ],
  },
  {
    step: 11,
    name: 'user',
    calls: [
      `GET ${ENV}/users`,
      `POST ${ENV}/users`,
      `PATCH ${ENV}/users/{userID}`,
      `DELETE ${ENV}/users/{userID}`,
    ],
  },
  {
    step: 12,
    name: 'user password',
    calls: [`GET ${ENV}/users/{userID}/password`, `PUT ${ENV}/users/{userID}/password`],
  },
  {
    step: 13,
    name: 'user MFA',
    calls: [`GET ${ENV}/users/{userID}/mfaEnabled`, `PUT ${ENV}/users/{userID}/mfaEnabled`],
  },
  {
    step: 14,
    name: 'device policy',
    calls: [
      `GET ${ENV}/deviceAuthenticationPolicies`,
      `POST ${ENV}/deviceAuthenticationPolicies`,
      `GET ${ENV}/deviceAuthenticationPolicies/{policyID}`,
      `PUT ${ENV}/deviceAuthenticationPolicies/{policyID}`,
      `DELETE ${ENV}/deviceAuthenticationPolicies/{policyID}`,
    ],
  },
  {
    step: 15,
    name: 'SMS device',
    calls: [
      `GET ${ENV}/users/{userID}/devices`,
      `POST ${ENV}/users/{userID}/devices`,
      `DELETE ${ENV}/users/{userID}/devices/{deviceID}`,
    ],
  },
  { step: 16, name: 'authorize', calls: ['GET /{envID}/as/authorize'] },
  { step: 17, name: 'otp.check', calls: ['POST /{envID}/flows/{flowID}'] },
  { step: 18, name: 'resume', calls: ['GET /{envID}/as/resume'] },
  {
    step: 19,
    name: 'token',
    calls: [
      'POST /{envID}/as/token',
      'GET /{envID}/as/.well-known/openid-configuration',
      'GET /{envID}/as/jwks',
      'GET /{envID}/as/userinfo',
    ],
  },
] as const satisfies readonly WorkflowStep[];

export type WorkflowStepNumber = (typeof WORKFLOW_STEPS)[number]['step'];

const byName = new Map<string, WorkflowStep>(WORKFLOW_STEPS.map((step) => [step.name, step]));
let byCall: Array<{ method: string; path: RegExp; step: WorkflowStep }> | undefined;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The workflow step a call belongs to: by the call's name when it is a step's (`otp.check`,
 * `worker token`), else by its method and path against the steps' calls, so that management
 * calls need not name their step twice. The name decides first because one path serves two
 * steps (`/as/token`: steps 0 and 19).
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
