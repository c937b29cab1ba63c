import {
  deleteApplication,
  createApplication,
  createGrant,
  listApplications,
  listGrants,
  listResources,
  listScopes,
  readApplication,
  readApplicationSecret,
  updateApplication,
  updateGrant,
  type Application,
  type Grant,
} from '../../pingone/management.js';
import {
  applicationDrift,
  desiredApplication,
  desiredGrant,
  repairedApplication,
} from '../desired.js';
import { allNamed, createMissing, ensure, named } from '../ensure.js';
import type { Held, StepRow } from '../step-row.js';

type App = Held<Application> | undefined;

export const application: StepRow<App> = {
  step: 1,
  name: 'application',
  find: [listApplications],
  build: [desiredApplication, repairedApplication],
  compare: [applicationDrift],
  create: [createApplication],
  update: [readApplication, updateApplication],
  teardown: {
    // Its grants and policy assignments go with it.
    find: ({ ctx, names }) => allNamed(ctx, listApplications, names.applicationName),
    remove: deleteApplication,
  },
  check: {
    read: ({ ctx }) => listApplications(ctx),
    items: (apps: Application[], { applicationId, redirectUri }) => {
      const app = apps.find((a) => a.id === applicationId);
      return [
        ['application exists and is enabled', !!app && app.enabled !== false],
        [
          'application has the redirect URI',
          !!app?.redirectUris?.includes(redirectUri),
          `expected ${redirectUri}`,
        ],
        [
          'application allows the authorization code grant',
          !!app && (app.grantTypes ?? ['AUTHORIZATION_CODE']).includes('AUTHORIZATION_CODE'),
        ],
      ];
    },
  },
  run: async (plan) => {
    const { ctx, names, redirectUri } = plan;
    return ensure(plan, {
      find: named(plan, listApplications, names.applicationName),
      create: () => createApplication(ctx, desiredApplication(names.applicationName, redirectUri)),
      drift: (app) => applicationDrift(app, redirectUri),
      // A PUT replaces the application: start from all of it, as PingOne has it now.
      update: async (app) =>
        updateApplication(
          ctx,
          app.id,
          repairedApplication(
            await readApplication(ctx, app.id),
            names.applicationName,
            redirectUri,
          ),
        ),
    });
  },
};

export const secret: StepRow<string> = {
  step: 2,
  name: 'application secret',
  read: true,
  find: [readApplicationSecret],
  run: async (plan) => {
    const app = await plan.need<App>(1);
    const value = app ? (await readApplicationSecret(plan.ctx, app.value.id)).secret : '';
    return { value, outcome: 'reused' };
  },
};

export const openidResource: StepRow<string> = {
  step: 3,
  name: 'openid resource',
  read: true,
  find: [listResources],
  run: async ({ ctx }) => {
    const resource = (await listResources(ctx)).find(
      (r) => r.type === 'OPENID_CONNECT' || r.name === 'openid',
    );
    if (!resource)
      throw new Error('the environment has no OPENID_CONNECT resource (named "openid")');
    return { value: resource.id, outcome: 'reused' };
  },
};

export const profileScope: StepRow<string[]> = {
  step: 4,
  name: 'profile scope',
  read: true,
  find: [listScopes],
  run: async (plan) => {
    const scopes = await listScopes(plan.ctx, await plan.need<string>(3));
    // Ping's workflow grants the `profile` scope of the openid resource; `openid` itself is
    // implied for an OIDC application.
    const profile = scopes.find((s) => s.name === 'profile');
    if (!profile) throw new Error('the openid resource has no "profile" scope');
    return { value: [profile.id], outcome: 'reused' };
  },
};

export const grant: StepRow<undefined> = {
  step: 5,
  name: 'openid grant',
  find: [listGrants],
  build: [desiredGrant],
  create: [createGrant],
  update: [updateGrant],
  check: {
    read: ({ ctx, input }) => listGrants(ctx, input.applicationId),
    items: (grants: Grant[], { openidResourceId, scopeIds }) => {
      const grant = grants.find((g) => g.resource?.id === openidResourceId);
      const granted = new Set((grant?.scopes ?? []).map((s) => s.id));
      return [
        ['application has the openid grant', !!grant && scopeIds.every((id) => granted.has(id))],
      ];
    },
  },
  run: async (plan, ready) => {
    const { ctx, dryRun } = plan;
    const app = await plan.need<App>(1);
    ready();
    // The app's grants are read while the openid resource and its scopes are looked up.
    const [grants, resourceId, scopeIds] = await Promise.all([
      !app || app.fresh ? Promise.resolve([]) : listGrants(ctx, app.value.id),
      plan.need<string>(3),
      plan.need<string[]>(4),
    ]);
    if (!app) return { value: undefined, outcome: 'would-create' };
    const existing = grants.find((g) => g.resource?.id === resourceId);
    if (!existing) {
      return createMissing(plan, app.fresh, {
        find: async () =>
          (await listGrants(ctx, app.value.id)).find((g) => g.resource?.id === resourceId),
        create: () => createGrant(ctx, app.value.id, desiredGrant(resourceId, scopeIds)),
        detail: 'grant was missing',
      });
    }
    const have = new Set((existing.scopes ?? []).map((s) => s.id));
    if (scopeIds.every((id) => have.has(id))) return { value: undefined, outcome: 'reused' };
    const detail = 'profile scope missing';
    if (dryRun) return { value: undefined, outcome: 'would-repair', detail };
    const scopes = [...new Set([...have, ...scopeIds])];
    await updateGrant(ctx, app.value.id, existing.id, desiredGrant(resourceId, scopes));
    return { value: undefined, outcome: 'repaired', detail };
  },
};
