import type { Router } from 'express';
import { uniquenessViolation } from './checker.js';
import type { Context } from './context.js';
import { assertUnique, crudRoutes } from './crud-routes.js';
import { MFA_ACTION_METHODS } from './sign-on-policy-rules.js';
import { list, remove } from './store.js';

export function signOnPolicyRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'signOnPolicies',
    path: '/signOnPolicies',
    what: 'sign-on policy',
    rules: 'signOnPolicy',
    build(c) {
      const fields = {
        name: c.string('name'),
        description: c.string('description'),
        default: c.bool('default') ?? false,
      };
      c.done();
      return fields;
    },
    unique: (fields, scope) => assertUnique(scope, 'signOnPolicies', 'name', fields.name),
    beforeDelete(doc, scope) {
      // PingOne removes the policy's actions and its assignments to applications with it.
      for (const a of list(scope.env, 'actions', 'signOnPolicy.id', doc.id))
        remove(scope.env, 'actions', a.id);
      for (const a of list(scope.env, 'signOnPolicyAssignments', 'signOnPolicy.id', doc.id)) {
        remove(scope.env, 'signOnPolicyAssignments', a.id);
      }
    },
  });

  crudRoutes(router, ctx, {
    kind: 'actions',
    path: '/signOnPolicies/:policyId/actions',
    what: 'sign-on policy action',
    parent: {
      param: 'policyId',
      kind: 'signOnPolicies',
      field: 'signOnPolicy.id',
      what: 'sign-on policy',
    },
    rules: 'signOnPolicyAction',
    build(c, scope) {
      const priority = c.int('priority');
      const type = c.string('type');
      const fields: Record<string, unknown> = { ...c.body };
      if (type === 'MULTI_FACTOR_AUTHENTICATION') {
        // The per-method objects are deprecated (docs/pingone-contract.md §4 step 7): an action without any of them
        // takes its methods from the device authentication policy. One that sends them must
        // enable at least one (docs/pingone-contract.md §4 step 7).
        const sent = MFA_ACTION_METHODS.filter((m) => c.get(m) !== undefined);
        if (sent.length && !sent.some((m) => c.get(`${m}.enabled`) === true)) {
          c.invalid('sms.enabled', 'At least one authentication method must be enabled');
        }
        const policy = 'deviceAuthenticationPolicies';
        c.ref('deviceAuthenticationPolicy.id', scope.env, policy, 'device authentication policy');
      }
      c.done();
      delete fields.id;
      return { ...fields, signOnPolicy: { id: scope.parentId }, priority, type };
    },
    unique(fields, scope) {
      const clash = list(scope.env, 'actions', 'signOnPolicy.id', scope.parentId).find(
        (d) => d.id !== scope.existing?.id && d.priority === fields.priority,
      );
      if (clash) throw uniquenessViolation('priority', String(fields.priority), clash.id);
    },
  });
}
