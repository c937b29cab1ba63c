import type { AddressInfo } from 'node:net';
import express, { Router, type Request, type Response } from 'express';
import { authorize } from './authorize.js';
import { bootstrapEnvironment } from './bootstrap.js';
import { ECHO_STATE_ON_RESUME } from './constants.js';
import type { Context, Variants } from './context.js';
import { controlSurface } from './control-surface.js';
import { discoveryRoutes } from './discovery-routes.js';
import { errorHandler } from './error-handler.js';
import { createFaults } from './faults.js';
import { createFlowRegistry } from './flow-registry.js';
import { flowRoutes } from './flow-routes.js';
import { managementRouter } from './management-router.js';
import { notFound } from './p1-error.js';
import { createRequestLog } from './request-log.js';
import { createSigningKey } from './signing-key.js';
import { signoffRoutes } from './signoff.js';
import { signOnPageRoutes } from './signon-page.js';
import { createSmsOutbox } from './sms-outbox.js';
import { createSsoSessions } from './sso-sessions.js';
import type { Store } from './store.js';
import { tokenEndpoint } from './token-endpoint.js';
import { createTokenRegistry } from './token-registry.js';

export type { FaultRule } from './faults.js';
export type { Variants } from './context.js';

export interface EmulatorOptions {
  /**
   * The origin clients reach the emulator at, when it differs from where it listens (a proxy, a
   * compose service name). `scheme://host[:port]` only: PingOne's paths sit at the root.
   */
  publicUrl?: string;
  environmentId?: string;
  worker?: { clientId: string; clientSecret: string };
  /** The emulator's base clock (default Date.now); `handle.advanceTime` moves it further. */
  now?: () => number;
  variants?: Partial<Variants>;
  /** Called with unexpected errors (they answer 500 UNEXPECTED_ERROR). Default: console.error. */
  onError?: (error: unknown) => void;
  port?: number;
  host?: string;
}

export type RunningEmulator = Awaited<ReturnType<typeof startEmulator>>;

const JSON_TYPES = /^application\/(json|[a-z0-9.+-]*\+json)\s*(;|$)/i;

/** Management under `/v1`, the auth host at the root (docs/pingone-contract.md §1), `/__emulator/*`. */
export async function startEmulator(options: EmulatorOptions = {}) {
  const publicOrigin = options.publicUrl === undefined ? undefined : originOf(options.publicUrl);
  const base = options.now ?? Date.now;
  let offset = 0;
  const clock: Context['clock'] = {
    now: () => base() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError('advanceTime needs a non-negative number of ms');
      offset += ms;
    },
  };
  const store: Store = new Map();
  const { env, worker } = bootstrapEnvironment(store, clock.now(), options);
  const ctx: Context = {
    store,
    clock,
    key: createSigningKey(),
    outbox: createSmsOutbox(),
    tokens: createTokenRegistry(clock),
    flows: createFlowRegistry(clock),
    sessions: createSsoSessions(clock),
    variants: {
      flowIdRotation: false,
      completedIncludesAuthorizeResponse: false,
      resumeRedirectsInPiFlow: false,
      echoStateOnResume: ECHO_STATE_ON_RESUME,
      ignoreReauthentication: false,
      ...options.variants,
    },
    origin: publicOrigin ?? '',
  };
  const faults = createFaults();
  const requests = createRequestLog();

  const auth = Router();
  const authorizeRoute = (req: Request, res: Response) => authorize(ctx, req, res);
  auth.route('/:envId/as/authorize').get(authorizeRoute).post(authorizeRoute);
  auth.post('/:envId/as/token', (req, res) => tokenEndpoint(ctx, req, res));
  discoveryRoutes(auth, ctx);
  flowRoutes(auth, ctx);
  signOnPageRoutes(auth, ctx);
  signoffRoutes(auth, ctx);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requests.middleware);
  app.use(faults.middleware);
  app.use(
    express.json({
      type: (req) => JSON_TYPES.test(String(req.headers['content-type'] ?? '')),
      limit: '1mb',
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use('/__emulator', controlSurface(ctx, faults, requests));
  app.use('/v1', managementRouter(ctx));
  app.use(auth);
  app.use((req: Request) => {
    throw notFound('resource', req.path);
  });
  app.use(
    errorHandler(
      options.onError ?? ((error) => console.error('[emulator] unexpected error:', error)),
    ),
  );

  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listenUrl = `http://${hostPart === '0.0.0.0' || hostPart === '[::]' ? '127.0.0.1' : hostPart}:${address.port}`;
  const url = publicOrigin ?? listenUrl;
  ctx.origin = url;
  return {
    url,
    /** Where it listens, e.g. for a proxy in front of it. */
    listenUrl,
    apiUrl: `${url}/v1`,
    authUrl: url,
    environmentId: env.id,
    worker: { ...worker, environmentId: env.id },
    handle: {
      /** Newest first, each with the status the phone page shows; `to` filters. */
      sms: (to?: string) => ctx.outbox.list(to),
      addFault: faults.add,
      clearFaults: faults.clear,
      requests: requests.list,
      clearRequests: requests.clear,
      advanceTime: clock.advance,
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function originOf(publicUrl: string): string {
  const url = URL.parse(publicUrl);
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new TypeError(
      `The emulator's public URL must be http(s)://host[:port] with no path, got ${JSON.stringify(publicUrl)}`,
    );
  }
  return url.origin;
}
