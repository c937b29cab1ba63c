import { listAll, type ManagementContext } from './context.js';
import { deleteResource, seg, sendForObject } from './crud.js';
import type { SignOnPolicy, SignOnPolicyAction, SignOnPolicyAssignment } from './types.js';

const actions = (policyId: string) => `/signOnPolicies/${seg(policyId)}/actions`;
const action = (policyId: string, id: string) => `${actions(policyId)}/${seg(id)}`;
const assignments = (applicationId: string) =>
  `/applications/${seg(applicationId)}/signOnPolicyAssignments`;

export function listSignOnPolicies(ctx: ManagementContext): Promise<SignOnPolicy[]> {
  return listAll(ctx, 'list sign-on policies', '/signOnPolicies', 'signOnPolicies');
}

/** Step 6: `POST /signOnPolicies`. The policy's name becomes the ID token's `acr`. */
export function createSignOnPolicy(
  ctx: ManagementContext,
  body: { name: string; description?: string },
): Promise<SignOnPolicy> {
  return sendForObject(ctx, 'create sign-on policy', 'POST', '/signOnPolicies', body);
}

/** Deletes the policy and its actions. */
export function deleteSignOnPolicy(ctx: ManagementContext, id: string): Promise<boolean> {
  return deleteResource(ctx, 'delete sign-on policy', `/signOnPolicies/${seg(id)}`);
}

export function listSignOnPolicyActions(
  ctx: ManagementContext,
  policyId: string,
): Promise<SignOnPolicyAction[]> {
  return listAll(ctx, 'list policy actions', actions(policyId), 'actions');
}

/** Step 7: `POST /signOnPolicies/{id}/actions`. */
export function createSignOnPolicyAction(
  ctx: ManagementContext,
  policyId: string,
  body: Omit<SignOnPolicyAction, 'id'>,
): Promise<SignOnPolicyAction> {
  return sendForObject(ctx, 'create MFA action', 'POST', actions(policyId), body);
}

/** `GET /signOnPolicies/{id}/actions/{action}`: the whole action, read before a repair. */
export function readSignOnPolicyAction(
  ctx: ManagementContext,
  policyId: string,
  actionId: string,
): Promise<SignOnPolicyAction> {
  return sendForObject(ctx, 'read MFA action', 'GET', action(policyId, actionId));
}

/** `PUT /signOnPolicies/{id}/actions/{action}`: replaces the action. */
export function updateSignOnPolicyAction(
  ctx: ManagementContext,
  policyId: string,
  actionId: string,
  body: Omit<SignOnPolicyAction, 'id'>,
): Promise<SignOnPolicyAction> {
  return sendForObject(ctx, 'update MFA action', 'PUT', action(policyId, actionId), body);
}

export function listSignOnPolicyAssignments(
  ctx: ManagementContext,
  applicationId: string,
): Promise<SignOnPolicyAssignment[]> {
  const path = assignments(applicationId);
  return listAll(ctx, 'list policy assignments', path, 'signOnPolicyAssignments');
}

/** Step 8: `POST /applications/{id}/signOnPolicyAssignments`. */
export function createSignOnPolicyAssignment(
  ctx: ManagementContext,
  applicationId: string,
  body: { priority: number; signOnPolicy: { id: string } },
): Promise<SignOnPolicyAssignment> {
  return sendForObject(ctx, 'assign sign-on policy', 'POST', assignments(applicationId), body);
}
