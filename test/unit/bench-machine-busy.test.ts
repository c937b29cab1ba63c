import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { machineBusy } from '../../bench/proc-stats.js';

const SPIN = 'const end = Date.now() + 2000; while (Date.now() < end) {}';

describe('machineBusy (bench/proc-stats.ts)', () => {
  it('tells the share of the cores other work uses, from /proc/stat', async () => {
    const cores = cpus().length;
    const spinning = Math.min(cores, 4);
    const workers = Array.from({ length: spinning }, () => new Worker(SPIN, { eval: true }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = await machineBusy(500);
      expect(busy).toBeLessThanOrEqual(1);
      // Each spinning thread holds one core for the whole measurement.
      expect(busy).toBeGreaterThanOrEqual((0.8 * spinning) / cores);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
});
