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
import { allNamed, findOrCreate, nextPriority, oldest, WOULD_CREATE } from '../find-or-create.js';
import { runStep } from '../run-step.js';
import type { Found, ProvisionContext } from '../setup-context.js';

const MFA = 'MULTI_FACTOR_AUTHENTICATION';

/** `GET /signOnPolicies`. */
export function listSignOnPolicies(api: ManagementContext): Promise<SignOnPolicy[]> {
  return listAll(api, 'list sign-on policies', '/signOnPolicies', 'signOnPolicies');
}

/** `GET /signOnPolicies/{id}/actions`. */
export function listActions(api: ManagementContext, policyId: string) {
  const path = apiPath`/signOnPolicies/${policyId}/actions`;
  return listAll<SignOnPolicyAction>(api, 'list policy actions', path, 'actions');
}

/** `GET /applications/{id}/signOnPolicyAssignments`. */
export function listAssignments(api: ManagementContext, applicationId: string) {
  const path = apiPath`/applications/${applicationId}/signOnPolicyAssignments`;
  return listAll<SignOnPolicyAssignment>(
    api,
    'list policy assignments',
    path,
    'signOnPolicyAssignments',
  );
}

/** The policy's MFA action, if it has one. */
export const mfaActionOf = (actions: SignOnPolicyAction[]) => actions.find((a) => a.type === MFA);

/** Step 6's body. The name becomes the ID token's `acr` (and our `acr_values`). */
export function desiredSignOnPolicy(name: string): { name: string; description: string } {
  return { name, description: 'SMS transaction approval (created by npm run setup)' };
}

/** Step 6: the sign-on policy the application's authorize requests name in `acr_values`. */
export function ensureSignOnPolicy(
  ctx: ProvisionContext,
): Promise<Found<SignOnPolicy> | undefined> {
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

/**
 * Step 7's body, as Ping's workflow sends it: SMS on, email off, the device policy. `sms` and
 * `email` are deprecated in the management spec but accepted; `noDevicesMode` is left to its
 * default (`BLOCK`).
 */
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

/**
 * Why an existing MFA action does not do what the flow needs; empty when it does. PingOne may
 * answer in the workflow's shape (`sms`, `email`) or the newer one (the device policy and
 * `noDevicesMode` only): a deprecated field that is absent is never a drift, only an explicit
 * `sms.enabled: false`.
 */
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

/** The repair of an MFA action read back whole: everything kept, step 7's fields set again. */
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

/** Step 7: the policy's MFA action, which texts the code to the device policy's SMS device. */
export function ensureMfaAction(
  ctx: ProvisionContext,
  policy: Found<SignOnPolicy> | undefined,
  devicePolicy: Found<DeviceAuthenticationPolicy> | undefined,
): Promise<Found<SignOnPolicyAction> | undefined> {
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

/** Step 8's body: the policy, after any already assigned to the application. */
export function desiredPolicyAssignment(
  policyId: string,
  priority: number,
): { priority: number; signOnPolicy: { id: string } } {
  return { priority, signOnPolicy: { id: policyId } };
}

/** Step 8: the sign-on policy assigned to the application, so that its authorize runs it. */
export function ensurePolicyAssignment(
  ctx: ProvisionContext,
  app: Found<Application> | undefined,
  policy: Found<SignOnPolicy> | undefined,
): Promise<Found<SignOnPolicyAssignment> | undefined> {
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
