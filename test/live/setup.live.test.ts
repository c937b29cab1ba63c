/**
 * Smoke test against real PingOne: `PINGONE_LIVE=1 npm run test:live` with a worker application
 * (see docs/setup.md) in PINGONE_ENVIRONMENT_ID / PINGONE_REGION / PINGONE_WORKER_CLIENT_ID /
 * PINGONE_WORKER_CLIENT_SECRET (and PINGONE_WORKER_ENVIRONMENT_ID when the worker lives
 * elsewhere). It provisions objects under a dedicated prefix, checks that a second run only
 * reads, and tears them down. No SMS is sent: setup never starts a flow.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadSetupConfig, setupEnvFromProcess } from '../../src/config.js';
import { provision, teardown, type ProvisionInput } from '../../src/pingone/provisioning.js';

const live = process.env.PINGONE_LIVE === '1';
const PREFIX = process.env.PINGONE_LIVE_PREFIX ?? 'TxApprovalLiveSmoke';

if (!live) {
  console.warn(
    '[live] skipped: set PINGONE_LIVE=1 and real worker credentials (PINGONE_ENVIRONMENT_ID, PINGONE_REGION, ' +
      'PINGONE_WORKER_CLIENT_ID, PINGONE_WORKER_CLIENT_SECRET) to run setup against real PingOne.',
  );
}

describe.skipIf(!live)('setup against real PingOne', () => {
  const config = live
    ? loadSetupConfig(
        {
          phone: process.env.PINGONE_PHONE ?? '+15555550100',
          prefix: PREFIX,
          username: `${PREFIX.toLowerCase()}-user`,
        },
        setupEnvFromProcess(),
      )
    : undefined;
  const input = (): ProvisionInput => ({
    location: config!.location,
    worker: config!.worker,
    phone: config!.phone,
    username: config!.username,
    redirectUri: config!.redirectUri,
    prefix: config!.prefix,
    timeoutMs: config!.timeoutMs,
    onStep: (s) => console.log(`[live] ${s.name} ${s.outcome} ${s.ms} ms ${s.detail ?? ''}`),
  });

  afterAll(async () => {
    if (config)
      await teardown({
        ...input(),
        onStep: (s) => console.log(`[live] teardown ${s.name} ${s.outcome}`),
      });
  });

  it('provisions, passes the self-check, and a second run changes nothing', async () => {
    const first = await provision(input());
    expect(first.selfCheck?.checks.filter((c) => !c.ok)).toEqual([]);
    expect(first.ok).toBe(true);
    expect(first.settings.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.settings.clientSecret.length).toBeGreaterThanOrEqual(32);

    const second = await provision(input());
    expect(second.ok).toBe(true);
    expect(second.steps.filter((s) => s.outcome !== 'reused' && s.outcome !== 'passed')).toEqual(
      [],
    );
    expect(second.changed).toBe(false);
    console.log(`[live] first run ${first.calls} calls, second run ${second.calls} calls`);
  });

  it('tears down everything carrying the prefix', async () => {
    const down = await teardown(input());
    expect(down.steps.every((s) => s.outcome === 'deleted' || s.outcome === 'absent')).toBe(true);
    const again = await teardown(input());
    expect(again.changed).toBe(false);
  });
});
