import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stepMap, withStepMap } from '../../../src/provisioning/step-map.js';
import { SETUP_STEPS } from '../../../src/provisioning/steps/index.js';
import { runSetup } from '../../../src/provisioning/setup-command.js';

const walkthrough = new URL('../../../docs/walkthrough.md', import.meta.url);

describe('the step -> function map', () => {
  it('holds the 15 workflow steps once each, in workflow order', () => {
    expect(SETUP_STEPS.map((r) => r.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(SETUP_STEPS.map((r) => r.name)).size).toBe(15);
    // Every function named in the map has a name: an anonymous one would print as ``.
    for (const row of SETUP_STEPS) {
      for (const fn of [
        row.find,
        row.build,
        row.compare,
        row.create,
        row.update,
        row.teardown && [row.teardown.remove],
      ].flatMap((f) => f || [])) {
        expect(fn.name, `step ${row.step}`).toMatch(/^[a-zA-Z]+$/);
      }
    }
  });

  it('docs/walkthrough.md holds the map generated from the table (npm run docs:steps)', () => {
    const doc = readFileSync(walkthrough, 'utf8');
    expect(withStepMap(doc)).toBe(doc);
    expect(doc).toContain('| 15 | SMS device | `listUserDevices` |');
  });

  it('setup --steps prints the same map without calling PingOne', async () => {
    const out: string[] = [];
    const code = await runSetup(
      ['--steps'],
      {},
      { stdout: (l) => out.push(l), stderr: (l) => out.push(l) },
    );
    expect(code).toBe(0);
    expect(out).toEqual([stepMap()]);
  });
});
