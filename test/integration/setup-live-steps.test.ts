import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSetupConfig } from '../../src/config.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { ProvisionInput } from '../../src/provisioning/provision.js';
import { liveSteps } from '../live/live-steps.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { setupEnv } from './setup-helpers.js';

// The steps of `PINGONE_LIVE=1 npm run test:live`, run here against the emulator so that the
// code a tenant owner runs is the code CI runs.
let emu: RunningEmulator;
let input: ProvisionInput;
const lines: string[] = [];
beforeAll(async () => {
  emu = await startTestEmulator();
  const config = loadSetupConfig(
    { phone: '+15125201234', prefix: 'LiveSteps', username: 'livesteps-user' },
    setupEnv(emu),
  );
  input = {
    location: config.location,
    worker: config.worker,
    phone: config.phone,
    username: config.username,
    redirectUri: config.redirectUri,
    prefix: config.prefix,
    timeoutMs: config.timeoutMs,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
  };
});
afterAll(async () => {
  await emu.close();
});

describe('the live test steps, against the emulator', () => {
  liveSteps(() => ({ input, log: (line) => lines.push(line) }));

  it('reports no secret in any [live] line', () => {
    expect(lines.length).toBeGreaterThan(3);
    // The emulator's secrets are 64 base64url characters; ids are 36-character UUIDs.
    expect(lines.filter((l) => l.includes(input.worker.clientSecret)).length).toBe(0);
    expect(lines.filter((l) => /[A-Za-z0-9_-]{48,}/.test(l)).length).toBe(0);
  });
});
