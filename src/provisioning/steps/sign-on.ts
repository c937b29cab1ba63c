import {
  deleteSignOnPolicy,
  createSignOnPolicy,
  createSignOnPolicyAction,
  createSignOnPolicyAssignment,
  listSignOnPolicies,
  listSignOnPolicyActions,
  listSignOnPolicyAssignments,
  readSignOnPolicyAction,
  updateSignOnPolicyAction,
  type Application,
  type DeviceAuthenticationPolicy,
  type SignOnPolicy,
  type SignOnPolicyAction,
  type SignOnPolicyAssignment,
} from '../../pingone/management.js';
import {
  desiredMfaAction,
  desiredPolicyAssignment,
  desiredSignOnPolicy,
  mfaActionDrift,
  repairedMfaAction,
} from '../desired.js';
import { allNamed, createMissing, ensure, named } from '../ensure.js';
import type { Held, StepRow } from '../step-row.js';

type Policy = Held<SignOnPolicy> | undefined;
const MFA = 'MULTI_FACTOR_AUTHENTICATION';

/** The next free priority after `items`. */
const nextPriority = (items: { priority?: number }[]) =>
  Math.max(0, ...items.map((i) => i.priority ?? 0)) + 1;

export const signOnPolicy: StepRow<Policy> = {
  step: 6,
  name: 'sign-on policy',
  find: [listSignOnPolicies],
  build: [desiredSignOnPolicy],
  create: [createSignOnPolicy],
  teardown: {
    // Its actions go with it; the application's assignment of it goes first.
    find: ({ ctx, names }) => allNamed(ctx, listSignOnPolicies, names.policyName),
    remove: deleteSignOnPolicy,
    after: [1],
  },
  run: async (plan) => {
    const { ctx, names } = plan;
    return ensure(plan, {
      find: named(plan, listSignOnPolicies, names.policyName),
      create: () => createSignOnPolicy(ctx, desiredSignOnPolicy(names.policyName)),
    });
  },
};

export const mfaAction: StepRow<undefined> = {
  step: 7,
  name: 'MFA action',
  find: [listSignOnPolicyActions],
  build: [desiredMfaAction, repairedMfaAction],
  compare: [mfaActionDrift],
  create: [createSignOnPolicyAction],
  update: [readSignOnPolicyAction, updateSignOnPolicyAction],
  check: {
    read: ({ ctx, input }) => listSignOnPolicyActions(ctx, input.policyId),
    items: (actions: SignOnPolicyAction[], { devicePolicyId }) => {
      const mfa = actions.find((a) => a.type === MFA);
      return [
        ['policy has an MFA action', !!mfa],
        ['MFA action has SMS enabled', !!mfa && mfa.sms?.enabled !== false],
        ['MFA action blocks users without a device', !!mfa && mfa.noDevicesMode !== 'BYPASS'],
        [
          'MFA action points at the device policy',
          mfa?.deviceAuthenticationPolicy?.id === devicePolicyId,
        ],
      ];
    },
  },
  run: async (plan, ready) => {
    const { ctx, dryRun } = plan;
    const [pol, dap] = await Promise.all([
      plan.need<Policy>(6),
      plan.need<Held<DeviceAuthenticationPolicy> | undefined>(14),
    ]);
    if (!pol || !dap) return { value: undefined, outcome: 'would-create' };
    ready();
    const actions = pol.fresh ? [] : await listSignOnPolicyActions(ctx, pol.value.id);
    const existing = actions.find((a) => a.type === MFA);
    if (!existing) {
      const body = desiredMfaAction(dap.value.id, nextPriority(actions));
      return createMissing(plan, pol.fresh, {
        find: async () =>
          (await listSignOnPolicyActions(ctx, pol.value.id)).find((a) => a.type === MFA),
        create: () => createSignOnPolicyAction(ctx, pol.value.id, body),
        detail: 'MFA action was missing',
      });
    }
    const drift = mfaActionDrift(existing, dap.value.id);
    if (!drift.length) return { value: undefined, outcome: 'reused' };
    const detail = drift.join(', ');
    if (dryRun) return { value: undefined, outcome: 'would-repair', detail };
    // A PUT replaces the action (its conditions too): start from all of it.
    const current = await readSignOnPolicyAction(ctx, pol.value.id, existing.id);
    await updateSignOnPolicyAction(
      ctx,
      pol.value.id,
      existing.id,
      repairedMfaAction(current, dap.value.id),
    );
    return { value: undefined, outcome: 'repaired', detail };
  },
};

export const policyAssignment: StepRow<undefined> = {
  step: 8,
  name: 'policy assignment',
  find: [listSignOnPolicyAssignments],
  build: [desiredPolicyAssignment],
  create: [createSignOnPolicyAssignment],
  check: {
    read: ({ ctx, input }) => listSignOnPolicyAssignments(ctx, input.applicationId),
    items: (assignments: SignOnPolicyAssignment[], { policyId }) => [
      [
        'sign-on policy is assigned to the application',
        assignments.some((a) => a.signOnPolicy?.id === policyId),
      ],
    ],
  },
  run: async (plan, ready) => {
    const { ctx } = plan;
    const [app, pol] = await Promise.all([
      plan.need<Held<Application> | undefined>(1),
      plan.need<Policy>(6),
    ]);
    if (!app || !pol) return { value: undefined, outcome: 'would-create' };
    ready();
    const assignments = app.fresh ? [] : await listSignOnPolicyAssignments(ctx, app.value.id);
    const ours = (a: { signOnPolicy?: { id: string } }) => a.signOnPolicy?.id === pol.value.id;
    if (assignments.some(ours)) return { value: undefined, outcome: 'reused' };
    const body = desiredPolicyAssignment(pol.value.id, nextPriority(assignments));
    return createMissing(plan, app.fresh || pol.fresh, {
      find: async () => (await listSignOnPolicyAssignments(ctx, app.value.id)).find(ours),
      create: () => createSignOnPolicyAssignment(ctx, app.value.id, body),
      detail: 'assignment was missing',
    });
  },
};
