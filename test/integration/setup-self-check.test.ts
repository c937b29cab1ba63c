import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { recordingFetch, setup, setupEnv, tempEnvPath } from './setup-helpers.js';

const ARGS = ['--phone', '+15125201234', '--prefix', 'CheckTest'];

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

describe('the self-check reads back what the table rows check', () => {
  it('passes all 14 checks after a run, and names each one that does not hold', async () => {
    const envPath = tempEnvPath();
    const first = await setup([...ARGS, '--write-env', envPath, '--json'], setupEnv(emu));
    expect(first.code, first.text).toBe(0);
    const doc = JSON.parse(first.out[0]!);
    expect(doc.selfCheck.checks).toHaveLength(14);
    expect(doc.selfCheck.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);

    // The plan reads the applications and device policies once; the second read is the
    // self-check's: PingOne answers it with the application disabled and SMS off.
    const seen = new Map<string, number>();
    const wire = recordingFetch((call, body) => {
      const n = (seen.get(call.path) ?? 0) + 1;
      seen.set(call.path, n);
      if (call.method !== 'GET' || n < 2) return body;
      const list = body as { _embedded?: Record<string, Record<string, unknown>[]> };
      if (call.path === '/applications')
        for (const a of list._embedded?.applications ?? []) a.enabled = false;
      if (call.path === '/deviceAuthenticationPolicies')
        for (const p of list._embedded?.deviceAuthenticationPolicies ?? [])
          p.sms = { ...(p.sms as object), enabled: false };
      return body;
    });
    const second = await setup([...ARGS, '--write-env', envPath], setupEnv(emu), {
      fetch: wire.fetch,
    });
    expect(second.code, second.text).toBe(1);
    expect(second.text).toMatch(/self-check\s+failed/);
    const failed = second.out.filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
    expect(failed).toEqual(['application exists and is enabled', 'device policy has SMS enabled']);
  });
});
