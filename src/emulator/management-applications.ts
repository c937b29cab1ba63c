import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { uniquenessViolation } from './checker.js';
import type { Context } from './context.js';
import { assertUnique, crudRoutes, envOf, sendHal } from './crud-routes.js';
import { notFound } from './p1-error.js';
import { find, list, remove, type Doc, type Environment } from './store.js';

const APP_TYPES = [
  'WEB_APP',
  'NATIVE_APP',
  'SINGLE_PAGE_APP',
  'WORKER',
  'SERVICE',
  'CUSTOM_APP',
] as const;
const GRANT_TYPES = [
  'AUTHORIZATION_CODE',
  'IMPLICIT',
  'REFRESH_TOKEN',
  'CLIENT_CREDENTIALS',
] as const;
const RESPONSE_TYPES = ['CODE', 'TOKEN', 'ID_TOKEN'] as const;
const AUTH_METHODS = [
  'NONE',
  'CLIENT_SECRET_BASIC',
  'CLIENT_SECRET_POST',
  'CLIENT_SECRET_JWT',
  'PRIVATE_KEY_JWT',
] as const;
const PKCE = ['OPTIONAL', 'REQUIRED', 'S256_REQUIRED'] as const;

/** PingOne client secrets are at least 64 characters (docs/pingone-contract.md §4 step 2). */
export function newClientSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Applications (step 1), their secret (step 2), grants (step 5) and policy assignments (step 8). */
export function applicationRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'applications',
    path: '/applications',
    what: 'application',
    build(c) {
      const name = c.string('name', { required: true, max: 256 });
      const type = c.string('type', { required: true, allowed: APP_TYPES });
      const protocol = c.string('protocol', {
        required: true,
        allowed: ['OPENID_CONNECT', 'SAML'],
      });
      const enabled = c.bool('enabled', true);
      const grantTypes = c.strings('grantTypes', {
        required: protocol === 'OPENID_CONNECT',
        allowed: GRANT_TYPES,
      });
      const responseTypes = c.strings('responseTypes', { allowed: RESPONSE_TYPES }) ?? [];
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
      const tokenEndpointAuthMethod =
        c.string('tokenEndpointAuthMethod', { allowed: AUTH_METHODS }) ?? 'CLIENT_SECRET_BASIC';
      const pkceEnforcement = c.string('pkceEnforcement', { allowed: PKCE }) ?? 'OPTIONAL';
      const supportUnsignedRequestObject = c.bool('supportUnsignedRequestObject') ?? false;
      const requireSignedRequestObject = c.bool('requireSignedRequestObject') ?? false;
      if (supportUnsignedRequestObject && requireSignedRequestObject) {
        c.invalid(
          'requireSignedRequestObject',
          'cannot be true together with supportUnsignedRequestObject',
        );
      }
      const description = c.string('description', { max: 1024 });
      c.done();
      return {
        name,
        ...(description === undefined ? {} : { description }),
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
    unique: (fields, scope) => assertUnique(scope, 'applications', 'name', fields.name),
    afterCreate: (doc, scope) => scope.env.secrets.set(doc.id, { secret: newClientSecret() }),
    beforeDelete(doc, scope) {
      for (const kind of ['grants', 'signOnPolicyAssignments'] as const) {
        for (const child of list(scope.env, kind, 'application.id', doc.id))
          remove(scope.env, kind, child.id);
      }
      scope.env.secrets.delete(doc.id);
    },
  });

  router.get('/applications/:appId/secret', (req, res) => {
    const env = envOf(req);
    const secret = secretOf(env, String(req.params.appId));
    sendHal(
      res,
      200,
      secret.previous
        ? { secret: secret.secret, previous: secret.previous }
        : { secret: secret.secret },
    );
  });

  // Rotation: the old secret keeps working for a while (PingOne's `previous`).
  router.post('/applications/:appId/secret', (req, res) => {
    const env = envOf(req);
    const appId = String(req.params.appId);
    const current = secretOf(env, appId);
    const expiresAt = new Date(ctx.clock.now() + 24 * 3600 * 1000).toISOString();
    const next = { secret: newClientSecret(), previous: { secret: current.secret, expiresAt } };
    env.secrets.set(appId, next);
    sendHal(res, 200, next);
  });

  crudRoutes(router, ctx, {
    kind: 'grants',
    path: '/applications/:appId/grants',
    what: 'grant',
    parent: { param: 'appId', kind: 'applications', field: 'application.id', what: 'application' },
    build(c, scope) {
      const resourceId = c.string('resource.id', { required: true });
      const scopes = c.get('scopes');
      const resource =
        resourceId === undefined ? undefined : find(scope.env, 'resources', resourceId);
      if (resourceId !== undefined && !resource)
        c.invalid('resource.id', `No resource with id ${resourceId}`);
      const scopeIds: string[] = [];
      if (!Array.isArray(scopes) || scopes.length === 0) c.required('scopes');
      else {
        scopes.forEach((s: unknown, i) => {
          const id = s && typeof s === 'object' ? (s as Record<string, unknown>).id : undefined;
          const found = typeof id === 'string' ? find(scope.env, 'scopes', id) : undefined;
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
    unique: (fields, scope) => uniqueGrant(fields, scope.env, scope.existing?.id),
  });

  crudRoutes(router, ctx, {
    kind: 'signOnPolicyAssignments',
    path: '/applications/:appId/signOnPolicyAssignments',
    what: 'sign-on policy assignment',
    parent: { param: 'appId', kind: 'applications', field: 'application.id', what: 'application' },
    build(c, scope) {
      const priority = c.int('priority', { required: true, min: 1, max: 1000 });
      const policyId = c.string('signOnPolicy.id', { required: true });
      if (policyId !== undefined && !find(scope.env, 'signOnPolicies', policyId)) {
        c.invalid('signOnPolicy.id', `No sign-on policy with id ${policyId}`);
      }
      c.done();
      return { application: { id: scope.parentId }, priority, signOnPolicy: { id: policyId } };
    },
    unique(fields, scope) {
      const policyId = (fields.signOnPolicy as { id: string }).id;
      const clash = list(
        scope.env,
        'signOnPolicyAssignments',
        'application.id',
        scope.parentId,
      ).find(
        (d) => d.id !== scope.existing?.id && (d.signOnPolicy as { id: string }).id === policyId,
      );
      if (clash) throw uniquenessViolation('signOnPolicy.id', policyId, clash.id);
    },
  });
}

function uniqueGrant(fields: Record<string, unknown>, env: Environment, selfId?: string): void {
  const appId = (fields.application as { id: string }).id;
  const resourceId = (fields.resource as { id: string }).id;
  const clash = list(env, 'grants', 'application.id', appId).find(
    (d) => d.id !== selfId && (d.resource as { id: string }).id === resourceId,
  );
  if (clash) throw uniquenessViolation('resource.id', resourceId, clash.id);
}

export function secretOf(
  env: Environment,
  appId: string,
): { secret: string; previous?: { secret: string; expiresAt: string } } {
  const app: Doc | undefined = find(env, 'applications', appId);
  const secret = env.secrets.get(appId);
  if (!app || !secret) throw notFound('application', appId);
  return secret;
}
