import { listAll, type ManagementContext } from './context.js';
import { deleteResource, seg, sendForObject } from './crud.js';
import type { DeviceAuthenticationPolicy } from './types.js';

const BASE = '/deviceAuthenticationPolicies';

export function listDeviceAuthenticationPolicies(
  ctx: ManagementContext,
): Promise<DeviceAuthenticationPolicy[]> {
  return listAll(ctx, 'list device policies', BASE, 'deviceAuthenticationPolicies');
}

/** Step 14: `POST /deviceAuthenticationPolicies`. */
export function createDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  body: Omit<DeviceAuthenticationPolicy, 'id'>,
): Promise<DeviceAuthenticationPolicy> {
  return sendForObject(ctx, 'create device policy', 'POST', BASE, body);
}

/** `PUT /deviceAuthenticationPolicies/{id}`: replaces the policy. */
export function updateDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  id: string,
  body: Omit<DeviceAuthenticationPolicy, 'id'>,
): Promise<DeviceAuthenticationPolicy> {
  return sendForObject(ctx, 'update device policy', 'PUT', `${BASE}/${seg(id)}`, body);
}

export function deleteDeviceAuthenticationPolicy(
  ctx: ManagementContext,
  id: string,
): Promise<boolean> {
  return deleteResource(ctx, 'delete device policy', `${BASE}/${seg(id)}`);
}
