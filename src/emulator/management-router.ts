import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Context } from './context.js';
import { crudRoutes, envOf, sendHal } from './crud-routes.js';
import { applicationRoutes, signOnPolicyRoutes } from './management-applications.js';
import { userRoutes } from './management-users.js';
import { accessFailed, constraintViolation, notFound, P1Error } from './p1-error.js';
import { list } from './store.js';
import type { TokenGrant } from './token-registry.js';

/** The management host (`/v1`): a worker bearer on every call (docs/pingone-contract.md §2), then the resource families. */
export function managementRouter(ctx: Context): Router {
  const v1 = Router();

  v1.use((req: Request, _res: Response, next: NextFunction) => {
    const grant = ctx.tokens.check(req.get('authorization'), 'worker');
    if (!grant) throw accessFailed();
    (req as Request & { p1Grant: TokenGrant }).p1Grant = grant;
    next();
  });

  const env = Router({ mergeParams: true });
  env.get('/', (req, res) => {
    const e = envOf(req);
    sendHal(res, 200, {
      _links: { self: { href: `${ctx.origin}/v1/environments/${e.id}` } },
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
      const found = ctx.store.get(id);
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

/** The built-in resources (step 3) and their scopes (step 4): read-only in this workflow. */
function resourceRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'resources',
    path: '/resources',
    what: 'resource',
  });
  crudRoutes(router, ctx, {
    kind: 'scopes',
    path: '/resources/:resourceId/scopes',
    what: 'scope',
    parent: { param: 'resourceId', kind: 'resources', field: 'resource.id', what: 'resource' },
  });
}

function populationRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'populations',
    path: '/populations',
    what: 'population',
    rules: 'population',
    build(c, scope) {
      const fields = { name: c.string('name'), description: c.string('description') };
      c.done();
      return { ...fields, default: scope.existing?.default ?? false };
    },
    unique: { keys: ['name'], ignoreCase: ['name'] },
    beforeDelete(doc, scope) {
      const blocked =
        doc.default === true || list(scope.env, 'users', 'population.id', doc.id).length > 0;
      if (blocked) {
        const detail = doc.default
          ? 'The default population cannot be deleted'
          : 'The population still contains users';
        throw constraintViolation('The population cannot be deleted.', detail);
      }
    },
  });
}

const OFFLINE_METHODS = ['sms', 'email', 'voice'] as const;

/** Step 14: what PingOne fills in for an absent field is stored (docs/pingone-contract.md §4 step 14). */
function devicePolicyRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'deviceAuthenticationPolicies',
    path: '/deviceAuthenticationPolicies',
    what: 'device authentication policy',
    rules: 'deviceAuthenticationPolicy',
    build(c, scope) {
      c.done();
      const body = c.body;
      const fields: Record<string, unknown> = {
        ...body,
        // The environment's default policy stays the default (PingOne refuses to unset it).
        default: scope.existing?.default === true ? true : body.default,
        // MFA EnumMFADevicePolicyNewDeviceNotification: absent means EMAIL_THEN_SMS.
        newDeviceNotification: body.newDeviceNotification ?? 'EMAIL_THEN_SMS',
        // MFA EnumMFADevicePolicySelection: absent means DEFAULT_TO_FIRST.
        authentication: body.authentication ?? { deviceSelection: 'DEFAULT_TO_FIRST' },
        // Deprecated and read-only: PingOne answers it, the SDK sends false.
        forSignOnPolicy: false,
      };
      for (const m of OFFLINE_METHODS) {
        const method = body[m] as { otp: Record<string, unknown> };
        // MFA DeviceAuthenticationPolicyOfflineDevice: otpLength defaults to 6.
        fields[m] = { ...method, otp: { otpLength: 6, ...method.otp } };
      }
      return fields;
    },
    unique: { keys: ['name'], ignoreCase: ['name'] },
    beforeDelete(doc) {
      if (doc.default === true) {
        const message = 'The default device authentication policy cannot be deleted';
        throw constraintViolation(`${message}.`, message);
      }
    },
  });
}

/** Notification template contents (step 9): unique per template + locale + deliveryMethod + variant. */
function templateRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'templates',
    path: '/templates',
    what: 'template',
  });
  crudRoutes(router, ctx, {
    kind: 'contents',
    path: '/templates/:templateName/contents',
    what: 'template content',
    parent: { param: 'templateName', kind: 'templates', field: 'template.id', what: 'template' },
    rules: 'templateContent',
    build(c, scope) {
      const locale = c.string('locale');
      const deliveryMethod = c.string('deliveryMethod');
      const variant = c.string('variant');
      const fields: Record<string, unknown> = {
        template: { id: scope.parentId },
        locale,
        deliveryMethod,
      };
      if (variant !== undefined) fields.variant = variant;
      const keep = {
        SMS: ['content', 'sender'],
        Voice: ['content', 'voice'],
        Email: ['body', 'subject'],
        Push: ['body', 'title'],
      };
      for (const key of keep[deliveryMethod as keyof typeof keep] ?? []) {
        const value = c.string(key);
        if (value !== undefined) fields[key] = value;
      }
      fields.default = c.bool('default') ?? false;
      c.done();
      return fields;
    },
    // PingOne compares a content's variant case-insensitively (docs/pingone-contract.md §4, step 9).
    unique: { keys: ['locale', 'deliveryMethod', 'variant'], ignoreCase: ['variant'] },
  });
}
