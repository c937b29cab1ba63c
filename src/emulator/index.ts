import type { AddressInfo } from 'node:net';
import express, { type Express, type Request } from 'express';
import { authRouter } from './auth-router.js';
import { bootstrapEnvironment } from './bootstrap.js';
import { createClock } from './clock.js';
import { ECHO_STATE_ON_RESUME } from './constants.js';
import type { Context, Variants } from './context.js';
import { controlSurface } from './control-surface.js';
import { errorHandler } from './error-handler.js';
import { createFaults, type FaultRule } from './faults.js';
import { createFlowRegistry } from './flow-registry.js';
import { managementRouter } from './management-router.js';
import { notFound } from './p1-error.js';
import { createRequestLog, type RequestRecord } from './request-log.js';
import { createSigningKey } from './signing-key.js';
import { createSmsOutbox, type ListedSms } from './sms-outbox.js';
import { createSsoSessions } from './sso-sessions.js';
import { createStore } from './store.js';
import { createTokenRegistry } from './token-registry.js';

export type { FaultRule } from './faults.js';
export type { ListedSms, SmsMessage, SmsStatus } from './sms-outbox.js';
export type { RequestRecord } from './request-log.js';
export type { Variants } from './context.js';

export interface EmulatorOptions {
  /**
   * The origin clients reach the emulator at, when it differs from where it listens (a proxy, a
   * compose service name): issuer, discovery, links, resumeUrl, token `iss`/`aud` and the request
   * JWT's `aud` check all use it. `scheme://host[:port]` only: PingOne's paths sit at the root.
   */
  publicUrl?: string;
  environmentId?: string;
  /** Fixed worker credentials (default: generated). */
  worker?: { clientId: string; clientSecret: string };
  /** The emulator's base clock (default Date.now); `handle.advanceTime` moves it further. */
  now?: () => number;
  variants?: Partial<Variants>;
  /** Called with unexpected errors (they answer 500 UNEXPECTED_ERROR). Default: console.error. */
  onError?: (error: unknown) => void;
}

/** What tests use to look inside and steer the emulator. */
export interface EmulatorHandle {
  /** Newest first, each with the status the phone page shows; `to` filters. */
  sms(to?: string): ListedSms[];
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  requests(): RequestRecord[];
  clearRequests(): void;
  advanceTime(ms: number): void;
}

export interface WorkerCredentials {
  clientId: string;
  clientSecret: string;
  environmentId: string;
}

export interface Emulator {
  app: Express;
  handle: EmulatorHandle;
  environmentId: string;
  worker: WorkerCredentials;
  /** Fixes the origin used in issuer and links (startEmulator calls it once it knows its port). */
  setOrigin(url: string): void;
}

export interface RunningEmulator {
  /** The public URL (publicUrl, else where it listens). */
  url: string;
  /** Where it listens, e.g. for a proxy in front of it. */
  listenUrl: string;
  apiUrl: string;
  authUrl: string;
  environmentId: string;
  worker: WorkerCredentials;
  handle: EmulatorHandle;
  close(): Promise<void>;
}

const JSON_TYPES = /^application\/(json|[a-z0-9.+-]*\+json)\s*(;|$)/i;

/**
 * A local PingOne: management under `/v1`, the auth host at the root, and `/__emulator/*`.
 * Builds the app without listening (see startEmulator).
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = createClock(options.now);
  const store = createStore();
  const { env, worker } = bootstrapEnvironment(store, clock.now(), options);
  let fixedOrigin = options.publicUrl === undefined ? undefined : originOf(options.publicUrl);
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
    origin: (req: Request) => fixedOrigin ?? `${req.protocol}://${req.get('host')}`,
  };
  const faults = createFaults();
  const requests = createRequestLog();

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
  app.use(authRouter(ctx));
  app.use((req: Request) => {
    throw notFound('resource', req.path);
  });
  app.use(
    errorHandler(
      options.onError ?? ((error) => console.error('[emulator] unexpected error:', error)),
    ),
  );

  return {
    app,
    environmentId: env.id,
    worker: { ...worker, environmentId: env.id },
    setOrigin(url) {
      fixedOrigin ??= url.replace(/\/+$/, '');
    },
    handle: {
      sms: (to) => ctx.outbox.list(to),
      addFault: (rule) => faults.add(rule),
      clearFaults: () => faults.clear(),
      requests: () => requests.list(),
      clearRequests: () => requests.clear(),
      advanceTime: (ms) => clock.advance(ms),
    },
  };
}

/** `publicUrl` as an origin; anything else is a configuration mistake, said plainly. */
function originOf(publicUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(publicUrl);
  } catch {
    url = undefined;
  }
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

/** Listens (port 0 for an ephemeral one) and answers with the URLs clients need. */
export async function startEmulator(
  options: EmulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const emulator = createEmulator(rest);
  const server = emulator.app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listenUrl = `http://${hostPart === '0.0.0.0' || hostPart === '[::]' ? '127.0.0.1' : hostPart}:${address.port}`;
  emulator.setOrigin(listenUrl);
  const url = rest.publicUrl === undefined ? listenUrl : originOf(rest.publicUrl);
  return {
    url,
    listenUrl,
    apiUrl: `${url}/v1`,
    authUrl: url,
    environmentId: emulator.environmentId,
    worker: emulator.worker,
    handle: emulator.handle,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
