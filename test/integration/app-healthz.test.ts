import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MemoryApprovalStore } from '../../src/approval/approval-store.js';
import type { StoreHealth } from '../../src/approval/approval-store.js';
import { HEALTH_LOG_INTERVAL_MS } from '../../src/http/health-check.js';
import { appForFile } from '../helpers/app.js';

/** What a failing SQLite file says: a path on the server, which no visitor should learn. */
const DETAIL = 'SQLITE_CANTOPEN: unable to open /srv/bank/data/store.sqlite';

let health: StoreHealth = { ok: false, kind: 'sqlite', detail: DETAIL };
let clock = Date.parse('2026-12-01T12:00:00Z');
const approvals = new MemoryApprovalStore();
approvals.health = async () => health;
const t = await appForFile({ deps: { approvals, now: () => new Date(clock) } });

const healthLines = () =>
  t.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === 'health.store');

describe('GET /healthz with the store down', () => {
  it('answers 503 with the store kind and no error text; the detail goes to the log, once a minute', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await request(t.app).get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        status: 'degraded',
        mode: t.config.mode,
        ui: 'own',
        store: { ok: false, kind: 'sqlite' },
      });
      expect(res.text).not.toContain('SQLITE_CANTOPEN');
      expect(res.headers['cache-control']).toBe('no-store');
      clock += 1_000;
    }
    expect(healthLines()).toEqual([
      expect.objectContaining({ level: 40, kind: 'sqlite', detail: DETAIL, suppressed: 0 }),
    ]);

    clock += HEALTH_LOG_INTERVAL_MS;
    expect((await request(t.app).get('/healthz')).status).toBe(503);
    expect(healthLines()).toHaveLength(2);
    expect(healthLines()[1]).toMatchObject({ detail: DETAIL, suppressed: 4 });

    health = { ok: true, kind: 'sqlite' };
    const back = await request(t.app).get('/healthz');
    expect(back.status).toBe(200);
    expect(back.body.store).toEqual({ ok: true, kind: 'sqlite' });
    expect(healthLines()[2]).toMatchObject({ level: 30, msg: 'healthz: store back' });
  });
});
