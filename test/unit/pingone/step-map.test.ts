import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_STEPS } from '../../../src/pingone/workflow-steps.js';
import { STEP_CODE, stepMap, withStepMap } from '../../../src/provisioning/step-map.js';
import { runSetup } from '../../../src/provisioning/setup-command.js';

const root = new URL('../../../', import.meta.url);
const walkthrough = new URL('docs/walkthrough.md', root);

describe('the step map (WORKFLOW_STEPS and the code of each step)', () => {
  it('names, for every step, a function its file defines; steps 1-15 are reported by it', () => {
    for (const { step } of WORKFLOW_STEPS) {
      const [fn, file] = STEP_CODE[step];
      const text = readFileSync(new URL(file, root), 'utf8');
      expect(text, `step ${step}: ${fn} in ${file}`).toMatch(new RegExp(`\\bfunction ${fn}\\b`));
      if (step >= 1 && step <= 15) {
        const from = text.search(new RegExp(`\\bfunction ${fn}\\b`));
        const body = text.slice(from, text.indexOf('\n}\n', from));
        expect(body, `step ${step}: ${fn} reports it`).toMatch(
          new RegExp(`(runStep|readStep)\\(ctx, ${step},`),
        );
      }
    }
  });

  it('docs/walkthrough.md holds the map generated from the table (npm run docs:steps)', () => {
    const doc = readFileSync(walkthrough, 'utf8');
    expect(withStepMap(doc)).toBe(doc);
    expect(doc).toContain(
      '| 15 | SMS device | `GET /users/{userID}/devices`<br>`POST /users/{userID}/devices`',
    );
    expect(doc).toContain(
      '`ensureSmsDevice` in [src/provisioning/steps/device.ts](../src/provisioning/steps/device.ts)',
    );
    expect(doc).toContain('| 17 | otp.check | `POST /{envID}/flows/{flowID}` | `checkCode`');
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
