/**
 * The steps of Ping's workflow with the calls each makes (docs/pingone-contract.md §3, §4, §6):
 * 0 worker token, 1–15 provisioning, 16–19 every approval. Management paths are below `…/v1`.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
interface WorkflowStep {
  step: number;
  name: string;
  calls: readonly string[];
}

const ENV = '/environments/{envID}';

/** `api('GET POST /users')`: `GET` and `POST` of `/environments/{envID}/users`. */
const api = (...groups: string[]) =>
  groups.flatMap((group) => {
    const verbs = group.split(' ');
    const path = verbs.pop()!;
    return verbs.map((verb) => `${verb} ${ENV}${path}`);
  });

export const WORKFLOW_STEPS = [
  { step: 0, name: 'worker token', calls: ['POST /{envID}/as/token'] },
  {
    step: 1,
    name: 'application',
    calls: api('GET POST /applications', 'GET PUT DELETE /applications/{appID}'),
  },
  { step: 2, name: 'application secret', calls: api('GET /applications/{appID}/secret') },
  { step: 3, name: 'openid resource', calls: api('GET /resources') },
  { step: 4, name: 'profile scope', calls: api('GET /resources/{resourceID}/scopes') },
  {
    step: 5,
    name: 'openid grant',
    calls: api(
      'GET POST /applications/{appID}/grants',
      'PUT /applications/{appID}/grants/{grantID}',
    ),
  },
  {
    step: 6,
    name: 'sign-on policy',
    calls: api('GET POST /signOnPolicies', 'DELETE /signOnPolicies/{policyID}'),
  },
  {
    step: 7,
    name: 'MFA action',
    calls: api(
      'GET POST /signOnPolicies/{policyID}/actions',
      'GET PUT /signOnPolicies/{policyID}/actions/{actionID}',
    ),
  },
  {
    step: 8,
    name: 'policy assignment',
    calls: api('GET POST /applications/{appID}/signOnPolicyAssignments'),
  },
  {
    step: 9,
    name: 'template content',
    calls: api(
      'GET POST /templates/transaction/contents',
      'GET PUT DELETE /templates/transaction/contents/{contentID}',
    ),
  },
  {
    step: 10,
    name: 'population',
    calls: api('GET POST /populations', 'DELETE /populations/{populationID}'),
  },
  { step: 11, name: 'user', calls: api('GET POST /users', 'PATCH DELETE /users/{userID}') },
  { step: 12, name: 'user password', calls: api('GET PUT /users/{userID}/password') },
  { step: 13, name: 'user MFA', calls: api('GET PUT /users/{userID}/mfaEnabled') },
  {
    step: 14,
    name: 'device policy',
    calls: api(
      'GET POST /deviceAuthenticationPolicies',
      'GET PUT DELETE /deviceAuthenticationPolicies/{policyID}',
    ),
  },
  {
    step: 15,
    name: 'SMS device',
    calls: api('GET POST /users/{userID}/devices', 'DELETE /users/{userID}/devices/{deviceID}'),
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
