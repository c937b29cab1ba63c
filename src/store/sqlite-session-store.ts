import type Database from 'better-sqlite3';
import session, { type SessionData } from 'express-session';
import type { Logger } from '../log.js';
import { retryWhileBusy } from './open-sqlite-database.js';

/**
 * How long from `now` a session without a cookie expiry of its own is kept: a fixed time, or
 * one read from the session (its idle timeout, what is left of its absolute lifetime).
 */
export type SessionTtl = number | ((session: SessionData, now: number) => number);

/**
 * When a stored session stops being valid: the cookie's own expiry when it has one (a cookie
 * with `maxAge`, as sessions written before browser-session cookies had), otherwise `ttl` from
 * now, as connect-redis does for its TTL.
 */
export function sessionExpiresAt(session: SessionData, now: number, ttl: SessionTtl): number {
  const at = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : NaN;
  if (Number.isFinite(at)) return at;
  return now + (typeof ttl === 'function' ? ttl(session, now) : ttl);
}

type Callback<T> = (err: unknown, value?: T) => void;

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string, number], { sess: string }>(
      'SELECT sess FROM sessions WHERE sid = ? AND expires_at > ?',
    ),
    upsert: db.prepare<[string, string, number]>(
      `INSERT INTO sessions (sid, sess, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expires_at = excluded.expires_at`,
    ),
    // Skips the write when it would extend the session by less than a tenth of its remaining
    // life (at most a minute): express-session touches on every unmodified request, and each
    // page view would otherwise cost a SQLite write.
    touch: db.prepare<[string, number, string, number, number, number]>(
      `UPDATE sessions SET sess = json_set(sess, '$.cookie', json(?)), expires_at = ?
     WHERE sid = ? AND expires_at > ? AND ? - expires_at >= ?`,
    ),
    destroy: db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?'),
    count: db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM sessions WHERE expires_at > ?',
    ),
    all: db.prepare<[number], { sid: string; sess: string }>(
      'SELECT sid, sess FROM sessions WHERE expires_at > ?',
    ),
    clear: db.prepare('DELETE FROM sessions'),
    prune: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
  };
}

/**
 * express-session's `Store` on SQLite. The database handle belongs to the caller (the store
 * factory), so `close()` only stops the pruning timer.
 */
export class SqliteSessionStore extends session.Store {
  private readonly ttlMs: SessionTtl;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly statements: ReturnType<typeof prepareStatements>;
  /**
   * The expiry this process last wrote per session: a touch that would not move it by enough
   * is skipped before reaching SQLite.
   */
  private readonly written = new Map<string, number>();

  constructor(
    db: Database.Database,
    options: {
      /** Lifetime of a session whose cookie has no expiry of its own. */
      ttlMs: SessionTtl;
      /** How often expired rows are deleted; they are never served in between. */
      pruneIntervalMs?: number;
      now?: () => number;
      logger?: Pick<Logger, 'warn'>;
    },
  ) {
    super();
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    this.statements = prepareStatements(db);
    const housekeeping = () => {
      // A timer's exception would end the process. A locked file (a backup, another instance)
      // is ordinary: the rows are never served once expired, and the next run deletes them.
      try {
        this.prune();
      } catch (err) {
        options.logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'session prune skipped; trying again at the next interval',
        );
      }
    };
    housekeeping();
    this.timer = setInterval(housekeeping, options.pruneIntervalMs ?? 10 * 60_000);
    // Pruning is housekeeping: it must never keep the process alive on shutdown.
    this.timer.unref();
  }

  prune(): number {
    const now = this.now();
    for (const [sid, expiresAt] of this.written) if (expiresAt <= now) this.written.delete(sid);
    return this.statements.prune.run(now).changes;
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.answer(callback, () => {
      const row = this.statements.get.get(sid, this.now());
      return row ? (JSON.parse(row.sess) as SessionData) : null;
    });
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.answer(callback, () => {
      const now = this.now();
      const expiresAt = sessionExpiresAt(data, now, this.ttlMs);
      if (expiresAt <= now) {
        this.statements.destroy.run(sid);
        this.written.delete(sid);
      } else {
        this.statements.upsert.run(sid, JSON.stringify(data), expiresAt);
        this.written.set(sid, expiresAt);
      }
    });
  }

  // Like MemoryStore, a touch stores the refreshed cookie too, so a rolling expiry is kept.
  override touch(sid: string, data: SessionData, callback?: () => void): void {
    this.answer(callback, () => {
      const now = this.now();
      const expiresAt = sessionExpiresAt(data, now, this.ttlMs);
      const worthWriting = Math.min(60_000, (expiresAt - now) / 10);
      const known = this.written.get(sid);
      // Only a small move forward is skipped: an earlier expiry (another process shortened
      // the session) goes to SQLite, whose guard compares with the row itself.
      const delta = known === undefined || known <= now ? undefined : expiresAt - known;
      if (delta !== undefined && delta >= 0 && delta < worthWriting) return;
      const { changes } = this.statements.touch.run(
        JSON.stringify(data.cookie ?? {}),
        expiresAt,
        sid,
        now,
        expiresAt,
        worthWriting,
      );
      if (changes) this.written.set(sid, expiresAt);
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.answer(callback, () => {
      this.statements.destroy.run(sid);
      this.written.delete(sid);
    });
  }

  override length(callback: Callback<number>): void {
    this.answer(callback, () => this.statements.count.get(this.now())?.n ?? 0);
  }

  override all(callback: Callback<Record<string, SessionData>>): void {
    this.answer(callback, () => {
      const sessions: Record<string, SessionData> = {};
      for (const row of this.statements.all.all(this.now())) {
        sessions[row.sid] = JSON.parse(row.sess) as SessionData;
      }
      return sessions;
    });
  }

  override clear(callback?: (err?: unknown) => void): void {
    this.answer(callback, () => {
      this.statements.clear.run();
      this.written.clear();
    });
  }

  close(): void {
    clearInterval(this.timer);
  }

  // The SQLite calls are synchronous, and so is the answer when the file is not locked: that
  // lets express-session send each page in one write instead of two TCP segments. A locked file
  // is retried after short waits that leave the loop free (open-sqlite-database.ts).
  private answer<T>(callback: Callback<T> | undefined, work: () => T): void {
    retryWhileBusy(work, callback ?? (() => undefined));
  }
}
