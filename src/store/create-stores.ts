import { RedisStore } from 'connect-redis';
import session from 'express-session';
import {
  MemoryApprovalStore,
  type ApprovalStore,
  type StoreHealth,
} from '../approval/approval-store.js';
import { sessionRowTtlMs } from '../approval/session-lifetime.js';
import { connectRedisClient } from './connect-redis-client.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { RedisApprovalStore, redisClock } from './redis-approval-store.js';
import { closeRedisClient, redisWithDeadline } from './redis-deadline.js';
import { SqliteApprovalStore } from './sqlite-approval-store.js';
import { sessionExpiresAt, type SessionTtl } from './session-expiry.js';
import { SqliteSessionStore } from './sqlite-session-store.js';
import type { StoreLogger } from './store-logger.js';
import { publishStoreOps } from './store-ops.js';

export type StoreKind = StoreHealth['kind'];

/** The two things that must outlive a request: the flow in progress and the approvals. */
export interface Stores {
  kind: StoreKind;
  /** For `express-session`'s `store` option. */
  sessionStore: session.Store;
  approvals: ApprovalStore;
  health(): Promise<StoreHealth>;
  /** Stops timers and closes the database or Redis connection; safe to call twice. */
  close(): Promise<void>;
}

export interface CreateStoresOptions {
  redisUrl?: string;
  dataDir?: string;
  /** Overrides the choice made from `redisUrl` / `dataDir`. */
  kind?: StoreKind;
  /**
   * SQLite and Redis: lifetime of a session whose cookie has no expiry of its own. Default: its
   * idle timeout cut short by its absolute lifetime (src/approval/session-lifetime.ts).
   */
  sessionTtlMs?: SessionTtl;
  logger?: StoreLogger;
  /** Prefix of every Redis key (default `txa:`); lets several apps or tests share one server. */
  redisKeyPrefix?: string;
  /** How long startup may take to reach Redis (default 3 s). */
  redisConnectTimeoutMs?: number;
  /** How long any Redis call may take before it fails with 503 (default 5 s). */
  redisCommandTimeoutMs?: number;
  /** How often the SQLite store deletes expired sessions (default 10 min). */
  sqlitePruneIntervalMs?: number;
  /** The clock of session expiry in SQLite and of the Redis TTLs. */
  now?: () => number;
}

function chooseKind(options: CreateStoresOptions): StoreKind {
  if (options.kind) return options.kind;
  if (options.redisUrl) return 'redis';
  if (options.dataDir) return 'sqlite';
  return 'memory';
}

function onlyOnce(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/**
 * Builds the session store and the approval store on one backend: Redis when `redisUrl` is set
 * (several instances share flows and approvals), else SQLite in `dataDir` (one instance,
 * survives restarts), else memory. Throws `StoreUnavailableError` (code `STORE_UNAVAILABLE`)
 * when the chosen backend cannot be opened or reached.
 */
export async function createStores(options: CreateStoresOptions): Promise<Stores> {
  return publishStoreOps(await openStores(options));
}

async function openStores(options: CreateStoresOptions): Promise<Stores> {
  const kind = chooseKind(options);
  const ttlMs = options.sessionTtlMs ?? sessionRowTtlMs;
  const now = options.now ?? Date.now;

  if (kind === 'redis') {
    if (!options.redisUrl) throw new TypeError('createStores: kind "redis" needs redisUrl');
    const deadlineMs = options.redisCommandTimeoutMs ?? 5_000;
    const connection = await connectRedisClient(options.redisUrl, {
      ...(options.redisConnectTimeoutMs !== undefined && {
        connectTimeoutMs: options.redisConnectTimeoutMs,
      }),
      commandTimeoutMs: deadlineMs,
      ...(options.logger && { logger: options.logger }),
    });
    let clock;
    try {
      clock = await redisClock(connection, {
        deadlineMs,
        ...(options.logger && { logger: options.logger }),
      });
    } catch (err) {
      connection.destroy();
      throw err;
    }
    const client = redisWithDeadline(connection, deadlineMs);
    const prefix = options.redisKeyPrefix ?? 'txa:';
    const approvals = new RedisApprovalStore(client, { keyPrefix: prefix, clock, deadlineMs });
    return {
      kind,
      sessionStore: new RedisStore({
        client,
        prefix: `${prefix}sess:`,
        // connect-redis takes a function of the session; a result of zero or less deletes it.
        ttl: (data) => {
          const at = now();
          return Math.ceil((sessionExpiresAt(data, at, ttlMs) - at) / 1000);
        },
      }),
      approvals,
      health: () => approvals.health(),
      close: onlyOnce(() => closeRedisClient(connection)),
    };
  }

  if (kind === 'sqlite') {
    if (!options.dataDir) throw new TypeError('createStores: kind "sqlite" needs dataDir');
    // An approval's commit is on disk before it returns (FULL). Sessions get a connection of
    // their own at NORMAL, because an fsync in every session write costs more per approval than
    // the benchmark allows (docs/performance.md); a session lost to a power cut is a flow the
    // person starts again.
    const db = openSqliteDatabase(options.dataDir, 'FULL');
    const sessionDb = openSqliteDatabase(options.dataDir, 'NORMAL');
    const sessionStore = new SqliteSessionStore(sessionDb, {
      ttlMs,
      ...(options.sqlitePruneIntervalMs !== undefined && {
        pruneIntervalMs: options.sqlitePruneIntervalMs,
      }),
      ...(options.now && { now: options.now }),
      ...(options.logger && { logger: options.logger }),
    });
    const approvals = new SqliteApprovalStore(db);
    return {
      kind,
      sessionStore,
      approvals,
      health: () => approvals.health(),
      close: onlyOnce(async () => {
        sessionStore.close();
        sessionDb.close();
        db.close();
      }),
    };
  }

  const approvals = new MemoryApprovalStore();
  return {
    kind,
    sessionStore: new session.MemoryStore(),
    approvals,
    health: () => approvals.health(),
    close: onlyOnce(() => approvals.close()),
  };
}
