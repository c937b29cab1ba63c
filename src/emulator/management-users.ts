import type { Request, Router } from 'express';
import { Checker } from './checker.js';
import { DEVICE_CREATE_STATUS, NEW_USER_MFA_ENABLED } from './constants.js';
import type { Context } from './context.js';
import { crudRoutes, envOf, requireJsonType, sendHal } from './crud-routes.js';
import { notFound } from './p1-error.js';
import { find, list, ownFields, save } from './store.js';

/** Users (step 11), password (12), mfaEnabled (13) and MFA devices (15). */
export function userRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'users',
    path: '/users',
    what: 'user',
    updates: ['put', 'patch'],
    rules: 'user',
    build(c, scope) {
      const given = c.string('name.given');
      const family = c.string('name.family');
      const populationId = c.ref('population.id', scope.env, 'populations', 'population');
      // Fields left undefined are absent on the wire (JSON drops them).
      const fields = {
        username: c.string('username'),
        email: c.string('email'),
        mobilePhone: c.string('mobilePhone'),
        name: given !== undefined || family !== undefined ? { given, family } : undefined,
        enabled: c.bool('enabled') ?? true,
        mfaEnabled: scope.existing?.mfaEnabled ?? NEW_USER_MFA_ENABLED,
        population: {
          id: populationId ?? list(scope.env, 'populations').find((p) => p.default === true)?.id,
        },
        account: { canAuthenticate: true, status: 'OK' },
        lifecycle: { status: 'ACCOUNT_OK' },
        identityProvider: { type: 'PING_ONE' },
      };
      c.done();
      return fields;
    },
    unique: { keys: ['username'], ignoreCase: ['username'] },
    cascade: [{ kind: 'devices', field: 'user.id' }],
    beforeDelete: (doc, scope) => scope.env.passwords.delete(doc.id),
  });

  const userAt = (req: Request) => {
    const env = envOf(req);
    const id = String(req.params.userId);
    const user = find(env, 'users', id);
    if (!user) throw notFound('user', id);
    const links = (suffix: string) => ({
      self: { href: `${ctx.origin}/v1/environments/${env.id}/users/${id}/${suffix}` },
    });
    const password = { _links: links('password'), environment: { id: env.id }, user: { id } };
    return { env, user, links, password };
  };

  // docs/pingone-contract.md §4 step 12: PUT with the vendor type; plain JSON gets 415.
  router.put('/users/:userId/password', (req, res) => {
    const { env, user, password } = userAt(req);
    requireJsonType(req, 'application/vnd.pingidentity.password.set+json');
    const c = new Checker(req.body, 'userPassword');
    const value = c.string('value')!;
    const forceChange = c.bool('forceChange') ?? false;
    c.done();
    env.passwords.set(user.id, { value, forceChange });
    const status = forceChange ? 'MUST_CHANGE_PASSWORD' : 'OK';
    const lastChangedAt = new Date(ctx.clock.now()).toISOString();
    sendHal(res, 200, { ...password, status, lastChangedAt });
  });

  router.get('/users/:userId/password', (req, res) => {
    const { env, user, password } = userAt(req);
    const stored = env.passwords.get(user.id);
    const status = !stored ? 'NO_PASSWORD' : stored.forceChange ? 'MUST_CHANGE_PASSWORD' : 'OK';
    sendHal(res, 200, { ...password, status });
  });

  router.get('/users/:userId/mfaEnabled', (req, res) => {
    const { user, links } = userAt(req);
    sendHal(res, 200, { _links: links('mfaEnabled'), mfaEnabled: user.mfaEnabled });
  });

  router.put('/users/:userId/mfaEnabled', (req, res) => {
    const { env, user, links } = userAt(req);
    requireJsonType(req);
    const c = new Checker(req.body, 'userMfaEnabled');
    const mfaEnabled = c.bool('mfaEnabled');
    c.done();
    save(env, 'users', { ...ownFields(user), mfaEnabled }, ctx.clock.now(), user);
    sendHal(res, 200, { _links: links('mfaEnabled'), mfaEnabled });
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
      const policy = 'deviceAuthenticationPolicies';
      const policyId = c.ref('policy.id', scope.env, policy, 'device authentication policy');
      const fields = {
        type,
        user: { id: scope.parentId },
        phone: type === 'SMS' || type === 'VOICE' ? c.string('phone') : undefined,
        email: type === 'EMAIL' ? c.string('email') : undefined,
        // An admin-created device without `status` is ACTIVE at once (docs/pingone-contract.md §4 step 15).
        status: c.string('status') ?? 'ACTIVE',
        nickname: c.string('nickname'),
        policy: policyId === undefined ? undefined : { id: policyId },
      };
      c.done();
      return fields;
    },
  });
}
