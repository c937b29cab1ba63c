import { randomBytes } from 'node:crypto';
import type { Request, Router } from 'express';
import type { Context } from './context.js';
import { crudRoutes, envOf, sendHal } from './crud-routes.js';
import { notFound } from './p1-error.js';
import { MFA_ACTION_METHODS } from './sign-on-policy-rules.js';
import { find } from './store.js';

/** At least 64 characters (docs/pingone-contract.md §4 step 2). */
export function newClientSecret(): string {
  return randomBytes(48).toString('base64url');
}

const OF_APPLICATION = {
  param: 'appId',
  kind: 'applications',
  field: 'application.id',
  what: 'application',
} as const;

/** Applications (step 1), their secret (step 2), grants (step 5) and policy assignments (step 8). */
export function applicationRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'applications',
    path: '/applications',
    what: 'application',
    rules: 'application',
    build(c) {
      // Types, enums and required fields: MANAGEMENT_RULES.application.
      const name = c.string('name');
      const type = c.string('type');
      const protocol = c.string('protocol');
      const enabled = c.bool('enabled');
      const grantTypes = c.strings('grantTypes');
      const responseTypes = c.strings('responseTypes') ?? [];
      const redirectUris = c.strings('redirectUris') ?? [];
      for (const [i, uri] of redirectUris.entries()) {
        if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(uri))
          c.invalid(`redirectUris[${i}]`, 'must be an absolute URI');
      }
      if (grantTypes?.includes('AUTHORIZATION_CODE')) {
        if (!responseTypes.includes('CODE'))
          c.invalid('responseTypes', 'AUTHORIZATION_CODE needs response type CODE');
        if (!redirectUris.length) c.required('redirectUris');
      }
      const tokenEndpointAuthMethod = c.string('tokenEndpointAuthMethod') ?? 'CLIENT_SECRET_BASIC';
      const pkceEnforcement = c.string('pkceEnforcement') ?? 'OPTIONAL';
      const supportUnsignedRequestObject = c.bool('supportUnsignedRequestObject') ?? false;
      const requireSignedRequestObject = c.bool('requireSignedRequestObject') ?? false;
      if (supportUnsignedRequestObject && requireSignedRequestObject) {
        c.invalid(
          'requireSignedRequestObject',
          'cannot be true together with supportUnsignedRequestObject',
        );
      }
      const description = c.string('description');
      c.done();
      // PUT replaces the whole application (docs/pingone-contract.md §10), all but the secret.
      return {
        ...c.body,
        name,
        description,
        enabled,
        type,
        protocol,
        grantTypes: grantTypes ?? [],
        responseTypes,
        redirectUris,
        postLogoutRedirectUris: c.strings('postLogoutRedirectUris') ?? [],
        tokenEndpointAuthMethod,
        pkceEnforcement,
        supportUnsignedRequestObject,
        requireSignedRequestObject,
      };
    },
    unique: { keys: ['name'], ignoreCase: ['name'] },
    afterCreate: (doc, scope) => scope.env.secrets.set(doc.id, { secret: newClientSecret() }),
    cascade: [
      { kind: 'grants', field: 'application.id' },
      { kind: 'signOnPolicyAssignments', field: 'application.id' },
    ],
    beforeDelete: (doc, scope) => scope.env.secrets.delete(doc.id),
  });

  const secretOf = (req: Request) => {
    const env = envOf(req);
    const appId = String(req.params.appId);
    const secret = env.secrets.get(appId);
    if (!find(env, 'applications', appId) || !secret) throw notFound('application', appId);
    return { env, appId, secret };
  };
  router.get('/applications/:appId/secret', (req, res) => sendHal(res, 200, secretOf(req).secret));

  // Rotation: the old secret keeps working for a while (PingOne's `previous`).
  router.post('/applications/:appId/secret', (req, res) => {
    const { env, appId, secret } = secretOf(req);
    const expiresAt = new Date(ctx.clock.now() + 24 * 3600 * 1000).toISOString();
    const next = { secret: newClientSecret(), previous: { secret: secret.secret, expiresAt } };
    env.secrets.set(appId, next);
    sendHal(res, 200, next);
  });

  crudRoutes(router, ctx, {
    kind: 'grants',
    path: '/applications/:appId/grants',
    what: 'grant',
    parent: OF_APPLICATION,
    rules: 'applicationGrant',
    build(c, scope) {
      const resourceId = c.ref('resource.id', scope.env, 'resources', 'resource');
      const scopes = c.get('scopes');
      const resource =
        resourceId === undefined ? undefined : find(scope.env, 'resources', resourceId);
      const scopeIds: string[] = [];
      if (!Array.isArray(scopes) || scopes.length === 0) c.required('scopes');
      else if (scopes.every((s: unknown) => s && typeof s === 'object')) {
        scopes.forEach((s: Record<string, unknown>, i) => {
          const found = typeof s.id === 'string' ? find(scope.env, 'scopes', s.id) : undefined;
          if (!found || (resource && (found.resource as { id: string }).id !== resource.id)) {
            c.invalid(`scopes[${i}].id`, 'not a scope of the granted resource');
          } else scopeIds.push(found.id);
        });
      }
      c.done();
      return {
        application: { id: scope.parentId },
        resource: { id: resourceId },
        scopes: scopeIds.map((id) => ({ id })),
      };
    },
    unique: { keys: ['resource.id'] },
  });

  crudRoutes(router, ctx, {
    kind: 'signOnPolicyAssignments',
    path: '/applications/:appId/signOnPolicyAssignments',
    what: 'sign-on policy assignment',
    parent: OF_APPLICATION,
    rules: 'signOnPolicyAssignment',
    build(c, scope) {
      const priority = c.int('priority');
      const policyId = c.ref('signOnPolicy.id', scope.env, 'signOnPolicies', 'sign-on policy');
      c.done();
      return { application: { id: scope.parentId }, priority, signOnPolicy: { id: policyId } };
    },
    unique: { keys: ['signOnPolicy.id'] },
  });
}

/** Sign-on policies (step 6) and their actions (step 7), which step 8 assigns to an application. */
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
    unique: { keys: ['name'], ignoreCase: ['name'] },
    // The policy's actions, and its assignments to applications.
    cascade: [
      { kind: 'actions', field: 'signOnPolicy.id' },
      { kind: 'signOnPolicyAssignments', field: 'signOnPolicy.id' },
    ],
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
    unique: { keys: ['priority'] },
  });
}
