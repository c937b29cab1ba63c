import type { Router } from 'express';
import type { Context } from './context.js';
import { crudRoutes } from './crud-routes.js';

/** The built-in resources (step 3) and their scopes (step 4): read-only in this workflow. */
export function resourceRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'resources',
    path: '/resources',
    what: 'resource',
    readOnly: true,
  });
  crudRoutes(router, ctx, {
    kind: 'scopes',
    path: '/resources/:resourceId/scopes',
    what: 'scope',
    parent: { param: 'resourceId', kind: 'resources', field: 'resource.id', what: 'resource' },
    readOnly: true,
  });
}
