import { Router } from 'express';
import { authorize } from './authorize.js';
import type { Context } from './context.js';
import { discoveryRoutes } from './discovery-routes.js';
import { flowRoutes } from './flow-routes.js';
import { signoffRoutes } from './signoff.js';
import { signOnPageRoutes } from './signon-page.js';
import { tokenEndpoint } from './token-endpoint.js';

/** The auth host (docs/pingone-contract.md §1): `/{env}/as/*`, `/{env}/flows/*` and the hosted sign-on page. */
export function authRouter(ctx: Context): Router {
  const r = Router();
  r.get('/:envId/as/authorize', (req, res) => authorize(ctx, req, res));
  r.post('/:envId/as/authorize', (req, res) => authorize(ctx, req, res));
  r.post('/:envId/as/token', (req, res) => tokenEndpoint(ctx, req, res));
  discoveryRoutes(r, ctx);
  flowRoutes(r, ctx);
  signOnPageRoutes(r, ctx);
  signoffRoutes(r, ctx);
  return r;
}
