import {
  deleteDeviceAuthenticationPolicy,
  createDeviceAuthenticationPolicy,
  listDeviceAuthenticationPolicies,
  readDeviceAuthenticationPolicy,
  updateDeviceAuthenticationPolicy,
  type DeviceAuthenticationPolicy,
} from '../../management.js';
import { desiredDevicePolicy, devicePolicyDrift, repairedDevicePolicy } from '../desired.js';
import { namedRow } from '../named-row.js';

// Teardown last: the MFA action (gone with the sign-on policy) and the users' devices point at it.
export const devicePolicy = namedRow<DeviceAuthenticationPolicy>({
  step: 14,
  name: 'device policy',
  nameOf: (names) => names.devicePolicyName,
  list: listDeviceAuthenticationPolicies,
  create: createDeviceAuthenticationPolicy,
  desired: ({ names }) => desiredDevicePolicy(names.devicePolicyName),
  remove: deleteDeviceAuthenticationPolicy,
  after: [6, 11],
  drift: (_plan, p) => devicePolicyDrift(p),
  // A PUT replaces the policy: start from all of it, as PingOne has it now.
  repair: async ({ ctx, names }, p) =>
    updateDeviceAuthenticationPolicy(
      ctx,
      p.id,
      repairedDevicePolicy(
        await readDeviceAuthenticationPolicy(ctx, p.id),
        desiredDevicePolicy(names.devicePolicyName),
      ),
    ),
  row: {
    build: [desiredDevicePolicy, repairedDevicePolicy],
    compare: [devicePolicyDrift],
    update: [readDeviceAuthenticationPolicy, updateDeviceAuthenticationPolicy],
    check: {
      read: ({ ctx }) => listDeviceAuthenticationPolicies(ctx),
      items: (policies: DeviceAuthenticationPolicy[], { devicePolicyId }) => [
        [
          'device policy has SMS enabled',
          policies.find((p) => p.id === devicePolicyId)?.sms?.enabled === true,
        ],
      ],
    },
  },
});
