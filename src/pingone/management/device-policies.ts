import { listAll, type ManagementContext } from './context.js';
import { deleteResource, seg, sendForObject } from './crud.js';
import type { DeviceAuthenticationPolicy, DeviceAuthenticationPolicyBody } from './types.js';

const BASE = '/deviceAuthenticationPolicies';

export function listDeviceAuthenticationPolicies(
  ctx: ManagementContext,
): Promise<DeviceAuthenticationPolicy[]> {
  return listAll(ctx, 'list device policies', BASE, 'deviceAuthenticationPolicies');
}

/** `GET /deviceAuthenticationPolicies/{id}`: the whole policy, read before a repair. */
export function readDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  id: string,
): Promise<DeviceAuthenticationPolicy> {
  return sendForObject(ctx, 'read device policy', 'GET', `${BASE}/${seg(id)}`);
}

/** Step 14: `POST /deviceAuthenticationPolicies` with every block the MFA spec requires. */
export function createDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  body: DeviceAuthenticationPolicyBody,
): Promise<DeviceAuthenticationPolicy> {
  return sendForObject(ctx, 'create device policy', 'POST', BASE, body);
}

/** `PUT /deviceAuthenticationPolicies/{id}`: replaces the policy (send every block). */
export function updateDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  id: string,
  body: DeviceAuthenticationPolicyBody,
): Promise<DeviceAuthenticationPolicy> {
  return sendForObject(ctx, 'update device policy', 'PUT', `${BASE}/${seg(id)}`, body);
}

export function deleteDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  id: string,
): Promise<boolean> {
  return deleteResource(ctx, 'delete device policy', `${BASE}/${seg(id)}`);
}
