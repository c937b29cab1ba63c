import { listAll, type ManagementContext } from './context.js';
import { deleteResource, seg, sendForObject } from './crud.js';
import type { ApiResource, Application, ApplicationSecret, Grant, Scope } from './types.js';

const app = (id: string) => `/applications/${seg(id)}`;
const grants = (applicationId: string) => `${app(applicationId)}/grants`;

/** Every application of the environment. */
export function listApplications(ctx: ManagementContext): Promise<Application[]> {
  return listAll(ctx, 'list applications', '/applications', 'applications');
}

/** Step 1: `POST /applications`. The new application's `id` is the OAuth `client_id`. */
export function createApplication(
  ctx: ManagementContext,
  body: Omit<Application, 'id'>,
): Promise<Application> {
  return sendForObject(ctx, 'create application', 'POST', '/applications', body);
}

/** `GET /applications/{id}`: the whole application, read before a repair. */
export function readApplication(ctx: ManagementContext, id: string): Promise<Application> {
  return sendForObject(ctx, 'read application', 'GET', app(id));
}

/** `PUT /applications/{id}`: replaces the application's settings (send every one to keep). */
export function updateApplication(
  ctx: ManagementContext,
  id: string,
  body: Omit<Application, 'id'>,
): Promise<Application> {
  return sendForObject(ctx, 'update application', 'PUT', app(id), body);
}

export function deleteApplication(ctx: ManagementContext, id: string): Promise<boolean> {
  return deleteResource(ctx, 'delete application', app(id));
}

/** Step 2: `GET /applications/{id}/secret`. */
export function readApplicationSecret(
  ctx: ManagementContext,
  id: string,
): Promise<ApplicationSecret> {
  return sendForObject(ctx, 'read application secret', 'GET', `${app(id)}/secret`);
}

/** Step 3: `GET /resources`. */
export function listResources(ctx: ManagementContext): Promise<ApiResource[]> {
  return listAll(ctx, 'list resources', '/resources', 'resources');
}

/** Step 4: `GET /resources/{id}/scopes`. */
export function listScopes(ctx: ManagementContext, resourceId: string): Promise<Scope[]> {
  return listAll(ctx, 'list scopes', `/resources/${seg(resourceId)}/scopes`, 'scopes');
}

export function listGrants(ctx: ManagementContext, applicationId: string): Promise<Grant[]> {
  return listAll(ctx, 'list grants', grants(applicationId), 'grants');
}

/** Step 5: `POST /applications/{id}/grants`. */
export function createGrant(
  ctx: ManagementContext,
  applicationId: string,
  body: Pick<Grant, 'resource' | 'scopes'>,
): Promise<Grant> {
  return sendForObject(ctx, 'create grant', 'POST', grants(applicationId), body);
}

/** `PUT /applications/{id}/grants/{grant}`: replaces the granted scopes. */
export function updateGrant(
  ctx: ManagementContext,
  applicationId: string,
  grantId: string,
  body: Pick<Grant, 'resource' | 'scopes'>,
): Promise<Grant> {
  return sendForObject(
    ctx,
    'update grant',
    'PUT',
    `${grants(applicationId)}/${seg(grantId)}`,
    body,
  );
}
