import {
  deleteDeviceAuthenticationPolicy,
  createDeviceAuthenticationPolicy,
  listDeviceAuthenticationPolicies,
  readDeviceAuthenticationPolicy,
  updateDeviceAuthenticationPolicy,
  type DeviceAuthenticationPolicy,
} from '../../pingone/management.js';
import { desiredDevicePolicy, devicePolicyDrift, repairedDevicePolicy } from '../desired.js';
import { allNamed, ensure, named } from '../ensure.js';
import type { Held, StepRow } from '../step-row.js';

export const devicePolicy: StepRow<Held<DeviceAuthenticationPolicy> | undefined> = {
  step: 14,
  name: 'device policy',
  find: [listDeviceAuthenticationPolicies],
  build: [desiredDevicePolicy, repairedDevicePolicy],
  compare: [devicePolicyDrift],
  create: [createDeviceAuthenticationPolicy],
  update: [readDeviceAuthenticationPolicy, updateDeviceAuthenticationPolicy],
  teardown: {
    // Last: the MFA action (gone with the sign-on policy) and the users' devices point at it.
    find: ({ ctx, names }) =>
      allNamed(ctx, listDeviceAuthenticationPolicies, names.devicePolicyName),
    remove: deleteDeviceAuthenticationPolicy,
    after: [6, 11],
  },
  check: {
    read: ({ ctx }) => listDeviceAuthenticationPolicies(ctx),
    items: (policies: DeviceAuthenticationPolicy[], { devicePolicyId }) => [
      [
        'device policy has SMS enabled',
        policies.find((p) => p.id === devicePolicyId)?.sms?.enabled === true,
      ],
    ],
  },
  run: async (plan) => {
    const { ctx, names } = plan;
    const desired = desiredDevicePolicy(names.devicePolicyName);
    return ensure(plan, {
      find: named(plan, listDeviceAuthenticationPolicies, names.devicePolicyName),
      create: () => createDeviceAuthenticationPolicy(ctx, desired),
      drift: devicePolicyDrift,
      // A PUT replaces the policy: start from all of it, as PingOne has it now.
      update: async (p) =>
        updateDeviceAuthenticationPolicy(
          ctx,
          p.id,
          repairedDevicePolicy(await readDeviceAuthenticationPolicy(ctx, p.id), desired),
        ),
    });
  },
};
