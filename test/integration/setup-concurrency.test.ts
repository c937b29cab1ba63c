import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { provision } from '../../src/provisioning/provision.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { maxInFlight, provisionInput, sequentialDepth } from './setup-helpers.js';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  return () => emu.close();
});

const input = () => provisionInput(emu, { username: 'concurrency-demo', prefix: 'Concurrency' });

describe('provision: independent calls run concurrently', () => {
  it('keeps the first run within 8 sequential round trips and the second within 5, reads only', async () => {
    // 100 ms on every call: overlapping calls are then visibly concurrent, and the longest chain
    // of calls that wait for each other is the depth of the plan.
    emu.handle.addFault({ path: '/*', latencyMs: 100, count: 1_000_000 });

    const first = await provision(input());
    expect(first.ok).toBe(true);
    expect(first.changed).toBe(true);
    const firstCalls = emu.handle.requests();
    expect(firstCalls).toHaveLength(first.calls);
    expect(sequentialDepth(firstCalls)).toBeLessThanOrEqual(8);
    // Step 1-15 objects that do not depend on each other are created side by side.
    expect(maxInFlight(firstCalls)).toBeGreaterThanOrEqual(5);
    const creates = firstCalls.filter((r) => r.method === 'POST' && !r.path.endsWith('/as/token'));
    expect(maxInFlight(creates)).toBeGreaterThanOrEqual(4);

    emu.handle.clearRequests();
    const second = await provision(input());
    expect(second.ok).toBe(true);
    expect(second.changed).toBe(false);
    const secondCalls = emu.handle.requests();
    expect(secondCalls.every((r) => r.method === 'GET' || r.path.endsWith('/as/token'))).toBe(true);
    expect(sequentialDepth(secondCalls)).toBeLessThanOrEqual(5);
    expect(second.calls).toBeLessThan(first.calls);
    expect(second.steps.every((s) => s.outcome === 'reused' || s.outcome === 'passed')).toBe(true);
  });
});
