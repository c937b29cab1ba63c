import { RedisStore } from 'connect-redis';
import session from 'express-session';
import {
  MemoryApprovalStore,
  type ApprovalStore,
  type StoreHealth,
} from '../approval/approval-store.js';
import { sessionRowTtlMs } from '../approval/session-lifetime.js';
import {
  closeRedisClient,
  connectRedisClient,
  REDIS_KEY_PREFIX,
  type StoreLogger,
} from './connect-redis-client.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { RedisApprovalStore, redisClock } from './redis-approval-store.js';
import { SqliteApprovalStore } from './sqlite-approval-store.js';
import { SqliteSessionStore, sessionExpiresAt, type SessionTtl } from './sqlite-session-store.js';
import { publishStoreOps } from './store-ops.js';

export type StoreKind = StoreHealth['kind'];

/** The two things that must outlive a request: the flow in progress and the approvals. */
export interface Stores {
  kind: StoreKind;
  sessionStore: session.Store;
  approvals: ApprovalStore;
  /** Stops timers and closes the database or Redis connection; safe to call twice. */
  close(): Promise<void>;
}

interface CreateStoresOptions {
  redisUrl?: string;
  dataDir?: string;
  /** Default: the idle timeout cut short by the absolute lifetime (session-lifetime.ts). */
  sessionTtlMs?: SessionTtl;
  logger?: StoreLogger;
  /** Lets several apps or tests share one server. */
  redisKeyPrefix?: string;
  redisConnectTimeoutMs?: number;
  /** How long any Redis call may take before it fails with 503. */
  redisCommandTimeoutMs?: number;
  sqlitePruneIntervalMs?: number;
  /** The clock of session expiry in SQLite and of the Redis TTLs. */
  now?: () => number;
}

/**
 * Both stores on one backend: Redis when `redisUrl` is set, else SQLite in `dataDir`, else
 * memory. Throws `StoreUnavailableError` when it cannot be opened or reached.
 */
export async function createStores(options: CreateStoresOptions = {}): Promise<Stores> {
  const stores = await openStores(options);
  publishStoreOps(stores.kind, stores.sessionStore, stores.approvals);
  let closed: Promise<void> | undefined;
  return { ...stores, close: () => (closed ??= stores.close()) };
}

async function openStores(options: CreateStoresOptions): Promise<Stores> {
  const ttlMs = options.sessionTtlMs ?? sessionRowTtlMs;
  const now = options.now ?? Date.now;

  if (options.redisUrl) {
    const deadlineMs = options.redisCommandTimeoutMs ?? 5_000;
    const client = await connectRedisClient(options.redisUrl, {
      connectTimeoutMs: options.redisConnectTimeoutMs,
      commandTimeoutMs: deadlineMs,
      logger: options.logger,
    });
    const serverNow = await redisClock(client, options.logger).catch((err: unknown) => {
      client.destroy();
      throw err;
    });
    const prefix = options.redisKeyPrefix ?? REDIS_KEY_PREFIX;
    return {
      kind: 'redis',
      sessionStore: new RedisStore({
        client,
        prefix: `${prefix}sess:`,
        // connect-redis takes a function of the session; a result of zero or less deletes it.
        ttl: (data) => {
          const at = now();
          return Math.ceil((sessionExpiresAt(data, at, ttlMs) - at) / 1000);
        },
      }),
      approvals: new RedisApprovalStore(client, { keyPrefix: prefix, serverNow, deadlineMs }),
      close: () => closeRedisClient(client),
    };
  }

  if (options.dataDir) {
    // Sessions at NORMAL on a connection of their own: an fsync per session write costs more than
    // the benchmark allows (docs/performance.md); a session lost to a power cut is restarted.
    const db = openSqliteDatabase(options.dataDir, 'FULL');
    const sessionDb = openSqliteDatabase(options.dataDir, 'NORMAL');
    const sessionStore = new SqliteSessionStore(sessionDb, {
      ttlMs,
      pruneIntervalMs: options.sqlitePruneIntervalMs,
      now,
      logger: options.logger,
    });
    return {
      kind: 'sqlite',
      sessionStore,
      approvals: new SqliteApprovalStore(db),
      close: async () => {
        sessionStore.close();
        sessionDb.close();
        db.close();
      },
    };
  }

  return {
    kind: 'memory',
    sessionStore: new session.MemoryStore(),
    approvals: new MemoryApprovalStore(),
    close: async () => {},
  };
}
