import type { Router } from 'express';
import { Checker } from './checker.js';
import { DEVICE_CREATE_STATUS, NEW_USER_MFA_ENABLED } from './constants.js';
import type { Context } from './context.js';
import { assertUnique, crudRoutes, envOf, requireJsonType, sendHal } from './crud-routes.js';
import { notFound } from './p1-error.js';
import { find, list, ownFields, remove, replace, type Doc } from './store.js';

/** Users (step 11), password (12), mfaEnabled (13) and MFA devices (15). */
export function userRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'users',
    path: '/users',
    what: 'user',
    updates: ['PUT', 'PATCH'],
    rules: 'user',
    build(c, scope) {
      const username = c.string('username');
      const email = c.string('email');
      const mobilePhone = c.string('mobilePhone');
      const given = c.string('name.given');
      const family = c.string('name.family');
      const enabled = c.bool('enabled') ?? true;
      let populationId = c.string('population.id');
      if (populationId !== undefined && !find(scope.env, 'populations', populationId)) {
        c.invalid('population.id', `No population with id ${populationId}`);
      }
      c.done();
      populationId ??= list(scope.env, 'populations').find((p) => p.default === true)?.id;
      const fields: Record<string, unknown> = {
        username,
        enabled,
        mfaEnabled: scope.existing?.mfaEnabled ?? NEW_USER_MFA_ENABLED,
        population: { id: populationId },
        account: { canAuthenticate: true, status: 'OK' },
        lifecycle: { status: 'ACCOUNT_OK' },
        identityProvider: { type: 'PING_ONE' },
      };
      if (email !== undefined) fields.email = email;
      if (mobilePhone !== undefined) fields.mobilePhone = mobilePhone;
      if (given !== undefined || family !== undefined) fields.name = { given, family };
      return fields;
    },
    unique: (fields, scope) => assertUnique(scope, 'users', 'username', fields.username),
    beforeDelete(doc, scope) {
      for (const d of list(scope.env, 'devices', 'user.id', doc.id))
        remove(scope.env, 'devices', d.id);
      scope.env.passwords.delete(doc.id);
    },
  });

  const userOf = (envId: ReturnType<typeof envOf>, id: string): Doc => {
    const user = find(envId, 'users', id);
    if (!user) throw notFound('user', id);
    return user;
  };
  const userLink = (req: Parameters<Parameters<Router['get']>[1]>[0], suffix: string) =>
    `${ctx.origin}/v1/environments/${envOf(req).id}/users/${String(req.params.userId)}/${suffix}`;

  const passwordView = (req: Parameters<typeof envOf>[0], user: Doc) => ({
    _links: { self: { href: userLink(req, 'password') } },
    environment: { id: envOf(req).id },
    user: { id: user.id },
  });

  // docs/pingone-contract.md §4 step 12: PUT with the vendor type; plain JSON gets 415.
  router.put('/users/:userId/password', (req, res) => {
    const env = envOf(req);
    const user = userOf(env, String(req.params.userId));
    requireJsonType(req, 'application/vnd.pingidentity.password.set+json');
    const c = new Checker(req.body, 'userPassword');
    const value = c.string('value');
    const forceChange = c.bool('forceChange') ?? false;
    c.done();
    env.passwords.set(user.id, { value: value!, forceChange });
    sendHal(res, 200, {
      ...passwordView(req, user),
      status: forceChange ? 'MUST_CHANGE_PASSWORD' : 'OK',
      lastChangedAt: new Date(ctx.clock.now()).toISOString(),
    });
  });

  router.get('/users/:userId/password', (req, res) => {
    const env = envOf(req);
    const user = userOf(env, String(req.params.userId));
    const password = env.passwords.get(user.id);
    sendHal(res, 200, {
      ...passwordView(req, user),
      status: !password ? 'NO_PASSWORD' : password.forceChange ? 'MUST_CHANGE_PASSWORD' : 'OK',
    });
  });

  router.get('/users/:userId/mfaEnabled', (req, res) => {
    const user = userOf(envOf(req), String(req.params.userId));
    sendHal(res, 200, {
      _links: { self: { href: userLink(req, 'mfaEnabled') } },
      mfaEnabled: user.mfaEnabled,
    });
  });

  router.put('/users/:userId/mfaEnabled', (req, res) => {
    const env = envOf(req);
    const user = userOf(env, String(req.params.userId));
    requireJsonType(req);
    const c = new Checker(req.body, 'userMfaEnabled');
    const mfaEnabled = c.bool('mfaEnabled');
    c.done();
    replace(env, 'users', user, { ...ownFields(user), mfaEnabled }, ctx.clock.now());
    sendHal(res, 200, { _links: { self: { href: userLink(req, 'mfaEnabled') } }, mfaEnabled });
  });

  crudRoutes(router, ctx, {
    kind: 'devices',
    path: '/users/:userId/devices',
    what: 'device',
    parent: { param: 'userId', kind: 'users', field: 'user.id', what: 'user' },
    updates: [],
    createStatus: DEVICE_CREATE_STATUS,
    rules: 'userDevice',
    build(c, scope) {
      const type = c.string('type');
      const fields: Record<string, unknown> = { type, user: { id: scope.parentId } };
      if (type === 'SMS' || type === 'VOICE') fields.phone = c.string('phone');
      if (type === 'EMAIL') fields.email = c.string('email');
      // An admin-created device without `status` is ACTIVE at once (docs/pingone-contract.md §4 step 15).
      fields.status = c.string('status') ?? 'ACTIVE';
      const nickname = c.string('nickname');
      if (nickname !== undefined) fields.nickname = nickname;
      const policyId = c.string('policy.id');
      if (policyId !== undefined) {
        if (!find(scope.env, 'deviceAuthenticationPolicies', policyId)) {
          c.invalid('policy.id', `No device authentication policy with id ${policyId}`);
        }
        fields.policy = { id: policyId };
      }
      c.done();
      return fields;
    },
  });
}
