/**
 * Setup against real PingOne: `PINGONE_LIVE=1 npm run test:live` with a worker application
 * (docs/setup.md) in PINGONE_ENVIRONMENT_ID / PINGONE_REGION / PINGONE_WORKER_CLIENT_ID /
 * PINGONE_WORKER_CLIENT_SECRET (and PINGONE_WORKER_ENVIRONMENT_ID when the worker lives
 * elsewhere). Under its own prefix it provisions with the published bodies and reads them back,
 * runs again (reads only), probes the token endpoint's client authentication, repairs drift by
 * read-modify-write, and tears everything down. No SMS is sent: nothing starts a flow.
 * The same steps run against the emulator in test/integration/setup-live-steps.test.ts.
 */
import { afterAll, describe } from 'vitest';
import { loadSetupConfig, setupEnvFromProcess } from '../../src/config.js';
import { teardown, type ProvisionInput } from '../../src/provisioning/provision.js';
import { liveSteps } from './live-steps.js';

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

  liveSteps(() => ({ input: input(), log: (line) => console.log(line) }));
});
