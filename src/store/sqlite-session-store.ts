import type Database from 'better-sqlite3';
import session, { type SessionData } from 'express-session';
import type { Logger } from '../log.js';
import { retryWhileBusy } from './open-sqlite-database.js';

/** Fixed, or read from the session (its idle timeout, what is left of its absolute lifetime). */
export type SessionTtl = number | ((session: SessionData, now: number) => number);

/** The cookie's own expiry when it has one (sessions written with `maxAge`), else `ttl` from now. */
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
    // Skips moves by less than a tenth of the remaining life (at most a minute): express-session
    // touches on every unmodified request, and each page view would cost a SQLite write.
    touch: db.prepare<[string, number, string, number, number, number]>(
      `UPDATE sessions SET sess = json_set(sess, '$.cookie', json(?)), expires_at = ?
     WHERE sid = ? AND expires_at > ? AND ? - expires_at >= ?`,
    ),
    destroy: db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?'),
    all: db.prepare<[number], { sid: string; sess: string }>(
      'SELECT sid, sess FROM sessions WHERE expires_at > ?',
    ),
    clear: db.prepare('DELETE FROM sessions'),
    prune: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
  };
}

/** express-session's `Store` on SQLite; the caller closes the database, `close()` the timer. */
export class SqliteSessionStore extends session.Store {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly timer: NodeJS.Timeout;
  /** The expiry this process last wrote per session: a touch that moves it too little is skipped. */
  private readonly written = new Map<string, number>();

  constructor(
    db: Database.Database,
    private readonly options: {
      ttlMs: SessionTtl;
      /** How often expired rows are deleted; they are never served in between. */
      pruneIntervalMs?: number;
      now: () => number;
      logger?: Pick<Logger, 'warn'>;
    },
  ) {
    super();
    this.statements = prepareStatements(db);
    const housekeeping = () => {
      // A locked file (a backup, another instance) is ordinary: expired rows are never served.
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
    this.timer = setInterval(housekeeping, options.pruneIntervalMs ?? 10 * 60_000).unref();
  }

  prune(): number {
    const now = this.options.now();
    for (const [sid, expiresAt] of this.written) if (expiresAt <= now) this.written.delete(sid);
    return this.statements.prune.run(now).changes;
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    retryWhileBusy(() => {
      const row = this.statements.get.get(sid, this.options.now());
      return row ? (JSON.parse(row.sess) as SessionData) : null;
    }, callback);
  }

  override set(sid: string, data: SessionData, callback?: Callback<void>): void {
    retryWhileBusy(() => {
      const now = this.options.now();
      const expiresAt = sessionExpiresAt(data, now, this.options.ttlMs);
      if (expiresAt <= now) return this.destroyNow(sid);
      this.statements.upsert.run(sid, JSON.stringify(data), expiresAt);
      this.written.set(sid, expiresAt);
    }, callback);
  }

  // Like MemoryStore, a touch stores the refreshed cookie too, so a rolling expiry is kept.
  override touch(sid: string, data: SessionData, callback?: () => void): void {
    retryWhileBusy(() => {
      const now = this.options.now();
      const expiresAt = sessionExpiresAt(data, now, this.options.ttlMs);
      const worthWriting = Math.min(60_000, (expiresAt - now) / 10);
      const known = this.written.get(sid);
      // An earlier expiry (another process shortened it) goes to SQLite, which checks the row.
      const delta = known === undefined || known <= now ? -1 : expiresAt - known;
      if (delta >= 0 && delta < worthWriting) return;
      const cookie = JSON.stringify(data.cookie ?? {});
      const update = this.statements.touch.run(
        cookie,
        expiresAt,
        sid,
        now,
        expiresAt,
        worthWriting,
      );
      if (update.changes) this.written.set(sid, expiresAt);
    }, callback);
  }

  override destroy(sid: string, callback?: Callback<void>): void {
    retryWhileBusy(() => this.destroyNow(sid), callback);
  }

  override length(callback: Callback<number>): void {
    retryWhileBusy(() => this.statements.all.all(this.options.now()).length, callback);
  }

  override all(callback: Callback<Record<string, SessionData>>): void {
    retryWhileBusy(
      () =>
        Object.fromEntries(
          this.statements.all.all(this.options.now()).map((row) => [row.sid, JSON.parse(row.sess)]),
        ),
      callback,
    );
  }

  override clear(callback?: Callback<void>): void {
    retryWhileBusy(() => {
      this.statements.clear.run();
      this.written.clear();
    }, callback);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private destroyNow(sid: string): void {
    this.statements.destroy.run(sid);
    this.written.delete(sid);
  }
}
