import {
  apiPath,
  listAll,
  send,
  writableFields,
  type Application,
  type DeviceAuthenticationPolicy,
  type ManagementContext,
  type SignOnPolicy,
  type SignOnPolicyAction,
  type SignOnPolicyAssignment,
} from '../../pingone/management.js';
import {
  allNamed,
  findOrCreate,
  nextPriority,
  oldest,
  WOULD_CREATE,
  type Found,
  type ProvisionContext,
} from '../find-or-create.js';
import { runStep } from '../run-step.js';

const MFA = 'MULTI_FACTOR_AUTHENTICATION';

export const listSignOnPolicies = (api: ManagementContext) =>
  listAll<SignOnPolicy>(api, 'list sign-on policies', '/signOnPolicies', 'signOnPolicies');

export function listActions(api: ManagementContext, policyId: string) {
  const path = apiPath`/signOnPolicies/${policyId}/actions`;
  return listAll<SignOnPolicyAction>(api, 'list policy actions', path, 'actions');
}

export function listAssignments(api: ManagementContext, applicationId: string) {
  const path = apiPath`/applications/${applicationId}/signOnPolicyAssignments`;
  return listAll<SignOnPolicyAssignment>(
    api,
    'list policy assignments',
    path,
    'signOnPolicyAssignments',
  );
}

export const mfaActionOf = (actions: SignOnPolicyAction[]) => actions.find((a) => a.type === MFA);

/** The name becomes the ID token's `acr` (and our `acr_values`). */
export function desiredSignOnPolicy(name: string) {
  return { name, description: 'SMS transaction approval (created by npm run setup)' };
}

export function ensureSignOnPolicy(ctx: ProvisionContext) {
  const { api, names } = ctx;
  const body = desiredSignOnPolicy(names.policyName);
  return runStep(ctx, 6, () =>
    findOrCreate(ctx, {
      find: async () => oldest(allNamed(await listSignOnPolicies(api), names.policyName)),
      create: () =>
        send<SignOnPolicy>(api, 'create sign-on policy', 'POST', '/signOnPolicies', body),
    }),
  );
}

// `sms` and `email` are deprecated in the management spec but Ping's workflow sends them.
export function desiredMfaAction(
  devicePolicyId: string,
  priority = 1,
): Omit<SignOnPolicyAction, 'id'> {
  return {
    priority,
    type: MFA,
    sms: { enabled: true },
    email: { enabled: false },
    deviceAuthenticationPolicy: { id: devicePolicyId },
  };
}

// PingOne may answer in the workflow's shape or the newer one: an absent deprecated field is no drift.
export function mfaActionDrift(action: SignOnPolicyAction, devicePolicyId: string): string[] {
  const drift: string[] = [];
  if (action.sms?.enabled === false) drift.push('SMS disabled');
  if (action.deviceAuthenticationPolicy?.id !== devicePolicyId) {
    drift.push('not pointing at the device policy');
  }
  // BYPASS lets a user without an SMS device through without a code: nothing approved anything.
  if (action.noDevicesMode === 'BYPASS') drift.push('users without a device bypass MFA');
  return drift;
}

export function repairedMfaAction(
  current: SignOnPolicyAction,
  devicePolicyId: string,
): Omit<SignOnPolicyAction, 'id'> {
  const body: Omit<SignOnPolicyAction, 'id'> = {
    ...writableFields(current),
    ...desiredMfaAction(devicePolicyId, current.priority ?? 1),
  };
  if (body.noDevicesMode === 'BYPASS') body.noDevicesMode = 'BLOCK';
  return body;
}

export function ensureMfaAction(
  ctx: ProvisionContext,
  policy: Found<SignOnPolicy> | undefined,
  devicePolicy: Found<DeviceAuthenticationPolicy> | undefined,
) {
  const { api } = ctx;
  return runStep(ctx, 7, async () => {
    if (!policy || !devicePolicy) return WOULD_CREATE;
    const policyId = policy.value.id;
    const dapId = devicePolicy.value.id;
    let actions: SignOnPolicyAction[] = [];
    return findOrCreate(ctx, {
      parents: [policy, devicePolicy],
      find: async () => {
        actions = await listActions(api, policyId);
        return mfaActionOf(actions);
      },
      create: () => {
        const path = apiPath`/signOnPolicies/${policyId}/actions`;
        const body = desiredMfaAction(dapId, nextPriority(actions));
        return send<SignOnPolicyAction>(api, 'create MFA action', 'POST', path, body);
      },
      drift: (action) => mfaActionDrift(action, dapId),
      // A PUT replaces the action (its conditions too): start from all of it.
      repair: async (action) => {
        const path = apiPath`/signOnPolicies/${policyId}/actions/${action.id}`;
        const current = await send<SignOnPolicyAction>(api, 'read MFA action', 'GET', path);
        return send(api, 'update MFA action', 'PUT', path, repairedMfaAction(current, dapId));
      },
      missing: () => 'MFA action was missing',
    });
  });
}

export function desiredPolicyAssignment(policyId: string, priority: number) {
  return { priority, signOnPolicy: { id: policyId } };
}

export function ensurePolicyAssignment(
  ctx: ProvisionContext,
  app: Found<Application> | undefined,
  policy: Found<SignOnPolicy> | undefined,
) {
  const { api } = ctx;
  return runStep(ctx, 8, async () => {
    if (!app || !policy) return WOULD_CREATE;
    const appId = app.value.id;
    let assignments: SignOnPolicyAssignment[] = [];
    return findOrCreate(ctx, {
      parents: [app, policy],
      find: async () => {
        assignments = await listAssignments(api, appId);
        return assignments.find((a) => a.signOnPolicy?.id === policy.value.id);
      },
      create: () => {
        const path = apiPath`/applications/${appId}/signOnPolicyAssignments`;
        const body = desiredPolicyAssignment(policy.value.id, nextPriority(assignments));
        return send<SignOnPolicyAssignment>(api, 'assign sign-on policy', 'POST', path, body);
      },
      missing: () => 'assignment was missing',
    });
  });
}
