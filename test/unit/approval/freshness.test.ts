import { describe, expect, it } from 'vitest';
import { AUTH_TIME_SKEW_SECONDS, freshnessProblem } from '../../../src/approval/freshness.js';

const startedAt = '2026-11-28T10:00:00.000Z';
const start = Date.parse(startedAt) / 1000;

describe('freshnessProblem: auth_time against the flow’s start', () => {
  it('accepts an authentication after the start, or within the clock skew before it', () => {
    expect(freshnessProblem(startedAt, start + 40)).toBeUndefined();
    expect(freshnessProblem(startedAt, start)).toBeUndefined();
    expect(freshnessProblem(startedAt, start - AUTH_TIME_SKEW_SECONDS)).toBeUndefined();
  });

  it('refuses one from before the start, and a token without auth_time', () => {
    expect(freshnessProblem(startedAt, start - AUTH_TIME_SKEW_SECONDS - 1)).toMatch(
      /^auth_time is 6 s before this flow started/,
    );
    expect(freshnessProblem(startedAt, start - 3600)).toMatch(/^auth_time is 3600 s before/);
    expect(freshnessProblem(startedAt, undefined)).toMatch(/^no auth_time/);
  });
});
