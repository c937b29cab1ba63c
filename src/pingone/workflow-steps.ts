/**
 * The 19 steps of Ping's workflow "Create an MFA Transaction Approval using SMS" with the calls
 * each makes (docs/pingone-contract.md §3, §4, §6): 1–15 provisioning, 16–19 every approval,
 * 0 the worker token. Provisioning reports by it and the docs' step map is generated from it. A
 * call is `METHOD path`, management paths below `…/v1`, auth paths below the auth host.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
interface WorkflowStep {
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
const byCall = WORKFLOW_STEPS.flatMap((step) =>
  step.calls.map((call) => {
    const [method, path = ''] = call.split(' ');
    const pattern = path.replaceAll('.', '\\.').replace(/\{[^}]+\}/g, '[^/]+');
    return { method, path: new RegExp(`${pattern}$`), step };
  }),
);

/**
 * The workflow step of a call: by its name when it is a step's, else by method and path. The
 * name decides first because one path serves two steps (`/as/token`: steps 0 and 19).
 */
export function workflowStepOf(
  name: string,
  method: string,
  url: string,
): WorkflowStep | undefined {
  const named = byName.get(name);
  if (named) return named;
  const path = URL.canParse(url) ? new URL(url).pathname : url;
  return byCall.find((c) => c.method === method && c.path.test(path))?.step;
}
