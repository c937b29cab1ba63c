import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Context } from './context.js';
import { envOf, sendHal } from './crud-routes.js';
import { applicationRoutes } from './management-applications.js';
import { devicePolicyRoutes } from './management-device-policies.js';
import { populationRoutes } from './management-populations.js';
import { resourceRoutes } from './management-resources.js';
import { signOnPolicyRoutes } from './management-sign-on-policies.js';
import { templateRoutes } from './management-templates.js';
import { userRoutes } from './management-users.js';
import { accessFailed, notFound, P1Error } from './p1-error.js';
import { bearerOf, type TokenGrant } from './token-registry.js';

/** The management host (`/v1`): a worker bearer on every call (docs/pingone-contract.md §2), then the resource families. */
export function managementRouter(ctx: Context): Router {
  const v1 = Router();

  v1.use((req: Request, _res: Response, next: NextFunction) => {
    const grant = ctx.tokens.check(bearerOf(req.get('authorization')), 'worker');
    if (!grant) throw accessFailed();
    (req as Request & { p1Grant: TokenGrant }).p1Grant = grant;
    next();
  });

  const env = Router({ mergeParams: true });
  env.get('/', (req, res) => {
    const e = envOf(req);
    sendHal(res, 200, {
      _links: { self: { href: `${ctx.origin(req)}/v1/environments/${e.id}` } },
      id: e.id,
      name: 'PingOne emulator',
      type: 'SANDBOX',
      region: 'NA',
      organization: { id: e.organizationId },
    });
  });
  applicationRoutes(env, ctx);
  resourceRoutes(env, ctx);
  signOnPolicyRoutes(env, ctx);
  templateRoutes(env, ctx);
  populationRoutes(env, ctx);
  userRoutes(env, ctx);
  devicePolicyRoutes(env, ctx);

  v1.use(
    '/environments/:envId',
    (req: Request, _res: Response, next: NextFunction) => {
      const id = String(req.params.envId);
      const found = ctx.store.environment(id);
      if (!found) throw notFound('environment', id);
      const grant = (req as Request & { p1Grant: TokenGrant }).p1Grant;
      if (grant.environmentId !== found.id) {
        throw new P1Error(403, 'ACCESS_FAILED', 'The worker has no role in this environment.', [
          {
            code: 'INSUFFICIENT_PERMISSIONS',
            message: 'The access token does not grant access to this environment.',
          },
        ]);
      }
      (req as Request & { p1Env: typeof found }).p1Env = found;
      next();
    },
    env,
  );

  v1.use((req: Request) => {
    throw notFound('resource', req.path);
  });
  return v1;
}
