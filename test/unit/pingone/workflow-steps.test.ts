import { describe, expect, it } from 'vitest';
import { WORKFLOW_STEPS } from '../../../src/pingone/workflow-steps.js';

describe('WORKFLOW_STEPS', () => {
  it('holds steps 0 (worker token) to 19 in order, each with at least one call', () => {
    expect(WORKFLOW_STEPS.map((s) => s.step)).toEqual([...Array(20).keys()]);
    for (const s of WORKFLOW_STEPS) {
      expect(s.calls.length).toBeGreaterThan(0);
      for (const call of s.calls) expect(call).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/\S+$/);
    }
    expect(WORKFLOW_STEPS[17].name).toBe('otp.check');
  });
});
