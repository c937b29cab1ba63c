import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/store/open-sqlite-database.js';
import { SqliteSessionStore } from '../../src/store/sqlite-session-store.js';
import { sessionData } from '../helpers/session-store.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function openStore(now?: () => number) {
  const dir = mkdtempSync(join(tmpdir(), 'session-writes-'));
  const db = openSqliteDatabase(dir);
  const store = new SqliteSessionStore(db, { ttlMs: 60_000, ...(now ? { now } : {}) });
  cleanups.push(() => {
    store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, store };
}

/** Rows this connection has inserted, updated or deleted so far: SQLite's own count. */
const changes = (db: Database.Database) =>
  (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

const set = (store: SqliteSessionStore, sid: string, data: ReturnType<typeof sessionData>) =>
  new Promise<void>((resolve, reject) => store.set(sid, data, (e) => (e ? reject(e) : resolve())));

describe('SQLite session writes', () => {
  it('skips writing what it has just written, and nothing else', async () => {
    let clock = Date.now();
    const { db, store } = openStore(() => clock);
    const expires = new Date(clock + 30_000);
    const before = changes(db);
    // The same object written twice, as express-session does (a Cookie's originalMaxAge is
    // counted from when it was made, so two Cookies made apart are different data).
    const first = sessionData({ step: 1 }, expires);
    const second = sessionData({ step: 2 }, expires);
    await set(store, 's1', first);
    await set(store, 's1', first);
    expect(changes(db) - before).toBe(1);

    await set(store, 's1', second);
    await set(store, 's2', second);
    expect(changes(db) - before).toBe(3);

    // Destroyed, or remembered too long ago: written again.
    await new Promise<void>((resolve) => store.destroy('s2', () => resolve()));
    await set(store, 's2', second);
    clock += 2_500;
    await set(store, 's1', second);
    expect(changes(db) - before).toBe(6);
  });

  it('an explicit save after regenerate is not repeated at the end of the response', async () => {
    const { db, store } = openStore();
    const app = express();
    app.use(session({ secret: 'test', store, resave: false, saveUninitialized: false }));
    app.post('/start', (req, res, next) => {
      req.session.regenerate((regenerated) => {
        if (regenerated) return next(regenerated);
        (req.session as unknown as { flow: string }).flow = 'started';
        req.session.save((saved) => (saved ? next(saved) : res.redirect(303, '/next')));
      });
    });
    app.get('/next', (req, res) => {
      res.send((req.session as unknown as { flow?: string }).flow ?? 'none');
    });

    const agent = request.agent(app);
    const before = changes(db);
    await agent.post('/start').expect(303);
    // One row written (express-session would have written it twice), none destroyed yet.
    expect(changes(db) - before).toBe(1);
    await agent.get('/next').expect(200, 'started');
  });
});
