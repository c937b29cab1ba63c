import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Store } from 'express-session';
import type { ApprovalStore } from './approval/approval-store.js';
import type { ApprovalContext } from './approval/approval-context.js';
import { onApprovalEvent } from './approval/approval-events.js';
import { approvalHistoryRoutes } from './approval/history-routes.js';
import { approvalRoutes } from './approval/routes.js';
import { smsPreviewRoute } from './approval/sms-preview.js';
import { SESSION_IDLE_TIMEOUT_MS } from './approval/session-lifetime.js';
import { FlowClaims } from './approval/session-state.js';
import type { AppConfig } from './config.js';
import { csrfProtection } from './http/csrf.js';
import { errorHandler, notFound, rejectMalformedPath } from './http/error-handler.js';
import { healthCheck } from './http/health-check.js';
import {
  rateLimits,
  type RateLimitOverrides,
  type RateLimitStoreFactory,
} from './http/rate-limit.js';
import { requestId, requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { sessionMiddleware } from './http/session-middleware.js';
import { logPingOneCall, secretsOf, type Logger } from './log.js';
import { logApprovalEvent } from './log-approval-event.js';
import { onCall } from './pingone/call-events.js';
import { createFlowClient } from './pingone/flow/flow-client.js';
import { createTokenClient } from './pingone/flow/token-client.js';
import { createHttpClient, type FetchLike, type RetryPolicy } from './pingone/http.js';
import { SMS_CODE_LIFETIME_MINUTES, SMS_OTP_LENGTH } from './provisioning/steps/device.js';
import { pingoneUrls } from './pingone/urls.js';
import { createWorkerTokenSource } from './pingone/worker-token.js';

export interface AppDeps {
  /** With `pingone` filled (embedded mode: from provision()'s settings). */
  config: AppConfig;
  approvals: ApprovalStore;
  /** MemoryStore by default (one instance only). */
  sessionStore?: Store;
  fetch?: FetchLike;
  logger: Logger;
  now?: () => Date;
  /** Embedded mode: the emulator's simulated phone, linked from the code page. */
  emulatorPhoneUrl?: string;
  phoneHint?: string;
  /** The expected ID token `sub` when known ahead (embedded mode). */
  userId?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * The request JWT's `sub` and the per-user rate limits' key; default PINGONE_USERNAME. A bank
   * wires its signed-in customer in here (docs/rate-limits.md).
   */
  approvalSubject?: (req: Request) => string;
  rateLimits?: RateLimitOverrides;
  /** Shared atomic counters (Redis with several instances): rate limits and flow claims. */
  counterStore?: RateLimitStoreFactory;
  /** Mounted before the approval routes, with the session; server.ts mounts the inspector. */
  extensions?: RequestHandler[];
  /** Aborted when the app is retired: its log lines stop listening to the process's channels. */
  signal?: AbortSignal;
}

// Built once: toLocaleDateString with options builds a new Intl.DateTimeFormat on every call.
const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** In UTC: the server does not know the reader's time zone. */
export function formatTime(value: string | number | undefined): string {
  if (value === undefined) return '—';
  const date = new Date(typeof value === 'number' ? value * 1000 : value);
  if (Number.isNaN(date.getTime())) return '—';
  return `${DAY_FORMAT.format(date)}, ${date.toISOString().slice(11, 19)} UTC`;
}

// views/ and public/ sit beside package.json: above src/ (tsx), or dist/src/ (the build).
const ROOT = existsSync(new URL('../package.json', import.meta.url)) ? '../' : '../../';
const projectDir = (name: string) => fileURLToPath(new URL(`${ROOT}${name}/`, import.meta.url));

export function createApp(deps: AppDeps): Express {
  const { config, approvals, logger } = deps;
  const settings = config.pingone;
  if (!settings) throw new Error('createApp needs config.pingone (embedded mode: provision first)');
  const now = deps.now ?? (() => new Date());
  const ui = config.approvalUi;
  const secret = config.sessionSecret || randomBytes(32).toString('hex');
  const secrets = secretsOf(logger);
  // Never released: the app's own secrets stay secret for as long as the logger lives.
  secrets?.hold([settings.clientSecret, settings.worker?.clientSecret, secret]);
  const urls = pingoneUrls(settings);
  const https = new URL(config.baseUrl).protocol === 'https:';
  const http = createHttpClient({
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    // A person is waiting: one retry at most, and no long Retry-After sleeps behind the page.
    retry: { maxAttempts: 2, maxRetryAfterMs: 2_000, ...deps.retry },
  });
  onCall(http.id, logPingOneCall(logger), deps.signal);
  onApprovalEvent(http.id, logApprovalEvent(logger), deps.signal);
  // docs/pingone-contract.md §9: Ping's sample sends a worker token on /flows calls, the docs show cookies only.
  const workerTokens =
    settings.worker &&
    createWorkerTokenSource({ location: settings, worker: settings.worker, http });
  const flowsBearer = workerTokens && (() => workerTokens.get());
  const smsLimits = { maxSegments: config.smsMaxSegments, otpLength: SMS_OTP_LENGTH };
  const subjectOf = deps.approvalSubject ?? (() => settings.username);
  const ctx: ApprovalContext = {
    client: http.id,
    settings,
    subjectOf,
    urls,
    ui,
    redirectUri: `${config.baseUrl}/callback`,
    flows: createFlowClient({ urls, http, now, flowsBearer }),
    tokens: createTokenClient({ ...settings, urls, http, timeoutMs: config.timeoutMs }),
    approvals,
    // Shared when the counters are (Redis): one claim per flow across instances.
    claims: new FlowClaims(deps.counterStore?.('flow-claims')),
    smsLimits,
    // The longest another request may take to finish a flow: otp.check, resume and token.
    raceWaitMs: 3 * config.timeoutMs,
    now,
    phoneHint: deps.phoneHint,
    userId: deps.userId,
  };

  const app = express();
  app.disable('x-powered-by');
  // Every page is `no-store`, so an ETag (a SHA-1 of each page body) could never be used;
  // /assets keeps the ETags express.static makes from file stats.
  app.set('etag', false);
  app.use(requestId(logger));
  app.use(rejectMalformedPath);
  // X-Forwarded-Proto decides whether a request gets the secure cookie: believed only from the
  // proxies TRUST_PROXY names.
  app.set('trust proxy', config.trustProxy);
  app.set('views', projectDir('views'));
  app.set('view engine', 'ejs');
  Object.assign(app.locals, {
    mode: config.mode,
    ui,
    issuer: urls.issuer,
    phoneUrl: deps.emulatorPhoneUrl,
    formatTime,
    codeLifetimeMinutes: SMS_CODE_LIFETIME_MINUTES,
  });
  const formActionOrigins = ui === 'hosted' ? [new URL(urls.issuer).origin] : undefined;
  app.use(securityHeaders({ https, formActionOrigins }));
  app.use('/assets', express.static(projectDir('public'), { index: false, maxAge: '1h' }));
  app.use(requestLog);
  app.get('/healthz', healthCheck({ approvals, logger, mode: config.mode, ui, now }));
  // Before the session: measuring the SMS of a form being typed reads and stores nothing.
  app.get('/approvals/sms-preview', smsPreviewRoute(smsLimits));
  app.use(express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }));
  app.use(sessionMiddleware({ secret, store: deps.sessionStore, secure: https, logger, now }));
  if (secrets) {
    // The live OTP and this flow's PingOne cookies are secret while the request runs.
    app.use((req, res, next) => {
      const body = req.body as Record<string, unknown> | undefined;
      const release = secrets.hold([
        typeof body?.otp === 'string' ? body.otp.trim() : undefined,
        ...Object.values(req.session.flow?.cookies ?? {}),
      ]);
      res.once('close', release);
      next();
    });
  }
  const csrf = csrfProtection({ secret, secure: https, lifetimeMs: SESSION_IDLE_TIMEOUT_MS, now });
  app.use(csrf.verify);
  // A browser's own approvals (from its session), or all of them for the operator's token.
  app.use(approvalHistoryRoutes(approvals, config.operatorToken));
  for (const extension of deps.extensions ?? []) app.use(extension);
  const limits = rateLimits({
    overrides: { ...config.rateLimits, ...deps.rateLimits },
    subjectOf,
    environmentId: settings.environmentId,
    logger,
    store: deps.counterStore,
  });
  app.use(
    approvalRoutes(ctx, {
      formToken: csrf.formToken,
      smsRateLimit: limits.sms,
      codeRateLimit: limits.code,
    }),
  );
  app.use(notFound, errorHandler);
  return app;
}
