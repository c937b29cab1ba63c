import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { recordingFetch, setup, setupEnv, tempEnvPath } from './setup-helpers.js';

const ARGS = ['--phone', '+15125201234', '--prefix', 'CheckTest'];

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  return () => emu.close();
});

describe('the self-check reads back what the table rows check', () => {
  it('passes all 15 checks after a run, and names each one that does not hold', async () => {
    const envPath = tempEnvPath();
    const first = await setup([...ARGS, '--write-env', envPath, '--json'], setupEnv(emu));
    expect(first.code, first.text).toBe(0);
    const doc = JSON.parse(first.out[0]!);
    expect(doc.selfCheck.checks).toHaveLength(15);
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

  it('measures the template with the longest transfer: encoding and segments, and a template too long fails', async () => {
    const envPath = tempEnvPath();
    const first = await setup([...ARGS, '--write-env', envPath], setupEnv(emu));
    expect(first.code, first.text).toBe(0);
    // Reported on success: the provisioned text with 1000000.00 EUR and a 70-character payee.
    expect(first.out).toContain(
      '  transaction SMS with the longest transfer fits 2 segments: GSM-7 110 septets, 1 segment; UCS-2 110 units, 2 segments; limit 2 segments',
    );

    // The self-check's read of the contents answers a text someone lengthened in the console.
    let reads = 0;
    const wire = recordingFetch((call, body) => {
      if (call.method !== 'GET' || call.path !== '/templates/transaction/contents') return body;
      if (++reads < 2) return body;
      const list = body as { _embedded?: { contents?: Array<{ content?: string }> } };
      for (const c of list._embedded?.contents ?? [])
        c.content = `${'Please check this payment carefully. '.repeat(6)}${c.content}`;
      return body;
    });
    const second = await setup([...ARGS, '--write-env', envPath, '--json'], setupEnv(emu), {
      fetch: wire.fetch,
    });
    expect(second.code, second.text).toBe(1);
    const doc = JSON.parse(second.out.at(-1)!);
    const fit = doc.selfCheck.checks.find((c: { name: string }) =>
      c.name.startsWith('transaction SMS'),
    );
    expect(fit).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/GSM-7 332 septets, 3 segments; UCS-2 332 units, 5 segments/),
    });
  });
});
