import type { RequestHandler } from 'express';
import type { ApprovalStore } from '../approval/approval-store.js';
import type { Logger } from '../log.js';

/** While the store stays down, one log line per interval: probes would bury the logs. */
export const HEALTH_LOG_INTERVAL_MS = 60_000;

/**
 * `GET /healthz`: 200 when the store answers, 503 when not. The answer never says why (a store's
 * error text names files, hosts and versions): the reason goes to the log.
 */
export function healthCheck(options: {
  approvals: Pick<ApprovalStore, 'health'>;
  logger: Logger;
  mode: string;
  ui: string;
  now: () => Date;
}): RequestHandler {
  const { logger, now } = options;
  let lastLoggedAt: number | undefined;
  let suppressed = 0;
  return async (_req, res) => {
    const store = await options.approvals.health().catch((error: unknown) => ({
      ok: false,
      kind: 'unknown',
      detail: error instanceof Error ? error.message : String(error),
    }));
    const at = now().getTime();
    if (!store.ok && lastLoggedAt !== undefined && at - lastLoggedAt < HEALTH_LOG_INTERVAL_MS) {
      suppressed += 1;
    } else if (!store.ok) {
      logger.warn(
        { event: 'health.store', kind: store.kind, detail: store.detail, suppressed },
        'healthz: the session and approval store does not answer',
      );
      lastLoggedAt = at;
      suppressed = 0;
    } else if (lastLoggedAt !== undefined) {
      logger.info({ event: 'health.store', kind: store.kind, suppressed }, 'healthz: store back');
      lastLoggedAt = undefined;
      suppressed = 0;
    }
    res.set('Cache-Control', 'no-store');
    res.status(store.ok ? 200 : 503).json({
      status: store.ok ? 'ok' : 'degraded',
      mode: options.mode,
      ui: options.ui,
      store: { ok: store.ok, kind: store.kind },
    });
  };
}
