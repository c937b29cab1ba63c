import {
  apiPath,
  listAll,
  send,
  writableFields,
  type ApiResource,
  type Application,
  type Grant,
  type ManagementContext,
  type Scope,
} from '../../pingone/management.js';
import {
  allNamed,
  findOrCreate,
  oldest,
  WOULD_CREATE,
  type Found,
  type ProvisionContext,
} from '../find-or-create.js';
import { readStep, runStep } from '../run-step.js';

export const listApplications = (api: ManagementContext) =>
  listAll<Application>(api, 'list applications', '/applications', 'applications');

export const listGrants = (api: ManagementContext, applicationId: string) =>
  listAll<Grant>(api, 'list grants', apiPath`/applications/${applicationId}/grants`, 'grants');

export function desiredApplication(name: string, redirectUri: string): Omit<Application, 'id'> {
  return {
    name,
    description: 'Created by npm run setup',
    enabled: true,
    type: 'WEB_APP',
    protocol: 'OPENID_CONNECT',
    grantTypes: ['AUTHORIZATION_CODE'],
    responseTypes: ['CODE'],
    redirectUris: [redirectUri],
    tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
    pkceEnforcement: 'S256_REQUIRED',
  };
}

export function applicationDrift(app: Application, redirectUri: string): string[] {
  const drift: string[] = [];
  if (app.enabled === false) drift.push('disabled');
  if (!app.redirectUris?.includes(redirectUri)) drift.push(`redirect URI ${redirectUri} missing`);
  if (app.grantTypes && !app.grantTypes.includes('AUTHORIZATION_CODE')) {
    drift.push('authorization_code grant type missing');
  }
  if (app.responseTypes && !app.responseTypes.includes('CODE'))
    drift.push('code response type missing');
  if (app.tokenEndpointAuthMethod && app.tokenEndpointAuthMethod !== 'CLIENT_SECRET_BASIC') {
    drift.push(`token endpoint auth method is ${app.tokenEndpointAuthMethod}`);
  }
  return drift;
}

// A PUT replaces the application: what we do not own goes back as read, ours is added, never narrowed.
export function repairedApplication(
  current: Application,
  name: string,
  redirectUri: string,
): Omit<Application, 'id'> {
  const fresh = desiredApplication(name, redirectUri);
  const union = (have: string[] | undefined, want: string) => [...new Set([...(have ?? []), want])];
  return {
    ...writableFields(current),
    name,
    description: current.description ?? fresh.description,
    enabled: true,
    type: current.type ?? fresh.type,
    protocol: current.protocol ?? fresh.protocol,
    grantTypes: union(current.grantTypes, 'AUTHORIZATION_CODE'),
    responseTypes: union(current.responseTypes, 'CODE'),
    redirectUris: union(current.redirectUris, redirectUri),
    tokenEndpointAuthMethod: fresh.tokenEndpointAuthMethod,
    pkceEnforcement: current.pkceEnforcement ?? fresh.pkceEnforcement,
  };
}

export function ensureApplication(ctx: ProvisionContext) {
  const { api, names, redirectUri } = ctx;
  const body = desiredApplication(names.applicationName, redirectUri);
  return runStep(ctx, 1, () =>
    findOrCreate(ctx, {
      find: async () => oldest(allNamed(await listApplications(api), names.applicationName)),
      create: () => send<Application>(api, 'create application', 'POST', '/applications', body),
      drift: (app) => applicationDrift(app, redirectUri),
      // A PUT replaces the application: start from all of it, as PingOne has it now.
      repair: async (app) => {
        const path = apiPath`/applications/${app.id}`;
        const current = await send<Application>(api, 'read application', 'GET', path);
        const repaired = repairedApplication(current, names.applicationName, redirectUri);
        return send(api, 'update application', 'PUT', path, repaired);
      },
    }),
  );
}

// Empty in a dry run that would create the application.
export function readApplicationSecret(ctx: ProvisionContext, app: Found<Application> | undefined) {
  return readStep(ctx, 2, async () => {
    if (!app) return '';
    const path = apiPath`/applications/${app.value.id}/secret`;
    return (await send<{ secret: string }>(ctx.api, 'read application secret', 'GET', path)).secret;
  });
}

export function findOpenidResource(ctx: ProvisionContext) {
  return readStep(ctx, 3, async () => {
    const all = await listAll<ApiResource>(ctx.api, 'list resources', '/resources', 'resources');
    const openid = all.find((r) => r.type === 'OPENID_CONNECT' || r.name === 'openid');
    if (!openid) throw new Error('the environment has no OPENID_CONNECT resource (named "openid")');
    return openid;
  });
}

// `openid` is asked for at authorize and does not belong in the grant (docs/pingone-contract.md §4).
export function findProfileScope(ctx: ProvisionContext, openid: ApiResource) {
  return readStep(ctx, 4, async () => {
    const path = apiPath`/resources/${openid.id}/scopes`;
    const scopes = await listAll<Scope>(ctx.api, 'list scopes', path, 'scopes');
    const profile = scopes.find((s) => s.name === 'profile');
    if (!profile) throw new Error('the openid resource has no "profile" scope');
    return profile;
  });
}

export function desiredGrant(
  resourceId: string,
  scopeIds: string[],
): Pick<Grant, 'resource' | 'scopes'> {
  return { resource: { id: resourceId }, scopes: scopeIds.map((id) => ({ id })) };
}

export function ensureGrant(
  ctx: ProvisionContext,
  app: Found<Application> | undefined,
  openid: ApiResource,
  profile: Scope,
) {
  const { api } = ctx;
  const scopesOf = (g: Grant) => new Set((g.scopes ?? []).map((s) => s.id));
  return runStep(ctx, 5, async () => {
    if (!app) return WOULD_CREATE;
    const grants = apiPath`/applications/${app.value.id}/grants`;
    const body = desiredGrant(openid.id, [profile.id]);
    return findOrCreate(ctx, {
      parents: [app],
      find: async () =>
        (await listGrants(api, app.value.id)).find((g) => g.resource?.id === openid.id),
      create: () => send<Grant>(api, 'create grant', 'POST', grants, body),
      drift: (g) => (scopesOf(g).has(profile.id) ? [] : ['profile scope missing']),
      // Widened, never narrowed: scopes someone else granted stay.
      repair: (g) => {
        const path = apiPath`/applications/${app.value.id}/grants/${g.id}`;
        const widened = desiredGrant(openid.id, [...scopesOf(g), profile.id]);
        return send(api, 'update grant', 'PUT', path, widened);
      },
      missing: () => 'grant was missing',
    });
  });
}
