import { describe, expect, it } from 'vitest';
import { setupStep } from '../../../src/inspector/start-steps.js';
import { describeChecks } from '../../../src/inspector/token-steps.js';
import type { CallEvent } from '../../../src/pingone/call-events.js';
import { shorten } from '../../../src/inspector/step-parts.js';
import {
  MAX_STEPS,
  MAX_STRING,
  MAX_TRACE_CHARS,
  appendStep,
  newTrace,
} from '../../../src/inspector/trace.js';
import { MemoryTraceStore } from '../../../src/inspector/trace-store.js';

const NOW = new Date('2026-11-28T12:00:00Z');

describe('shorten', () => {
  it('shortens handles to head…tail and leaves short values alone', () => {
    expect(shorten('abcdefghijklmnop')).toBe('abcdef…mnop');
    expect(shorten('short')).toBe('short');
    expect(shorten(undefined)).toBe('—');
  });
});

describe('trace caps', () => {
  const draft = (title: string) => ({
    kind: 'browser' as const,
    from: 'you' as const,
    to: 'rp' as const,
    title,
    request: 'POST /approvals',
    ok: true,
    at: NOW.toISOString(),
    summary: 'x',
    sections: [],
  });

  it('keeps the first step and the newest ones, numbering on, and cuts long strings', () => {
    const trace = newTrace('t1', 'embedded', 'own', NOW);
    appendStep(trace, { ...draft('step 1'), summary: 'x'.repeat(MAX_STRING + 100) });
    for (let i = 2; i <= MAX_STEPS + 5; i++) appendStep(trace, draft(`step ${i}`));
    expect(trace.steps).toHaveLength(MAX_STEPS);
    expect(trace.omitted).toBe(5);
    expect(trace.steps[0]!.title).toBe('step 1');
    expect(trace.steps[1]!.n).toBe(7);
    expect(trace.steps.at(-1)!.n).toBe(MAX_STEPS + 5);
    expect(trace.steps[0]!.summary.length).toBeLessThan(MAX_STRING + 20);
  });

  it('keeps the whole trace under its size budget, however big the steps', () => {
    const trace = newTrace('t1', 'embedded', 'own', NOW);
    for (let i = 1; i <= 30; i++) {
      appendStep(trace, {
        ...draft(`step ${i}`),
        sections: [{ title: 'big', note: 'y'.repeat(MAX_STRING) }],
      });
    }
    expect(JSON.stringify(trace).length).toBeLessThanOrEqual(MAX_TRACE_CHARS);
    expect(trace.steps.length).toBeLessThan(30);
    expect(trace.steps.at(-1)!.n).toBe(30);
    expect(trace.omitted).toBe(30 - trace.steps.length);
  });

  it('the trace store answers by transfer and approval id, evicts the oldest, expires', async () => {
    let now = NOW.getTime();
    const store = new MemoryTraceStore(() => new Date(now), 2, 1000);
    for (const id of ['a', 'b', 'c']) {
      await store.put({ ...newTrace(`t-${id}`, 'embedded', 'own', NOW), approvalId: `ap-${id}` });
    }
    expect(await store.get('t-a')).toBeUndefined();
    expect((await store.get('ap-c'))!.transferId).toBe('t-c');
    expect((await store.get('t-b'))!.approvalId).toBe('ap-b');
    now += 1001;
    expect(await store.get('t-c')).toBeUndefined();
  });
});

describe('describeChecks (from the token-checked event)', () => {
  const base = { kind: 'token-checked', step: 19 } as const;
  const expected = {
    iss: 'https://auth.example/env/as',
    aud: 'client-1',
    sub: 'user-1',
    username: 'demo',
    acr: 'SMS policy',
    notBefore: new Date(NOW.getTime() - 30_000).toISOString(),
  };
  const claims = (authTime: number) => ({
    sub: 'user-1',
    acr: 'SMS policy',
    iss: expected.iss,
    aud: 'client-1',
    auth_time: authTime,
    idTokenSha256: 'h'.repeat(43),
  });
  const before = { transferHash: 'a'.repeat(64), stateEchoed: false };
  const marks = (checks: Array<{ name: string; ok: boolean | undefined }>) =>
    Object.fromEntries(checks.map((c) => [c.name, c.ok]));
  const ALL = ['signature', 'iss', 'aud', 'exp', 'nonce', 'sub', 'acr', 'auth_time'];

  it('accepted: every check ticked; a state PingOne did not echo is "not checked"', () => {
    const r = describeChecks(
      { ...base, verdict: 'accepted', expected, claims: claims(NOW.getTime() / 1000 - 10) },
      before,
    );
    expect(r.ok).toBe(true);
    expect(marks(r.checks)).toEqual({
      'transfer hash': true,
      state: undefined,
      ...Object.fromEntries(ALL.map((n) => [n, true])),
    });
    expect(r.checks.find((c) => c.name === 'iss')!.detail).toContain(expected.iss);
  });

  it('our auth_time check refused it: marked, and the verdict is the core’s reason', () => {
    const reason = 'auth_time is 3570 s before this flow started';
    const r = describeChecks(
      {
        ...base,
        verdict: 'rejected',
        failedCheck: 'auth_time',
        reason,
        expected,
        claims: claims(NOW.getTime() / 1000 - 3600),
      },
      { ...before, stateEchoed: true },
    );
    expect(r.ok).toBe(false);
    expect(marks(r.checks)).toMatchObject({ state: true, sub: true, acr: true, auth_time: false });
    expect(r.verdict).toBe(`Refused: ${reason}`);
  });

  it('openid-client refused it: its checks are not confirmed, ours not reached, the reason quoted', () => {
    const r = describeChecks(
      {
        ...base,
        verdict: 'rejected',
        failedCheck: 'openid-client',
        reason: 'unexpected nonce',
        expected,
      },
      before,
    );
    expect(marks(r.checks)).toMatchObject({
      signature: undefined,
      nonce: undefined,
      sub: undefined,
      auth_time: undefined,
    });
    expect(r.checks.find((c) => c.name === 'sub')!.detail).toBe('not reached');
    expect(r.verdict).toBe('Refused by openid-client: unexpected nonce');
  });

  it('a wrong sub stops our checks there; a state mismatch stops everything', () => {
    const wrongSub = describeChecks(
      {
        ...base,
        verdict: 'rejected',
        failedCheck: 'sub',
        reason: 'sub someone is not the user of this flow',
        expected,
        claims: { ...claims(0), sub: 'someone' },
      },
      before,
    );
    expect(marks(wrongSub.checks)).toMatchObject({ nonce: true, sub: false, acr: undefined });
    const mismatch = describeChecks(
      { ...base, verdict: 'rejected', failedCheck: 'state', reason: 'another state', expected },
      before,
    );
    expect(marks(mismatch.checks)).toMatchObject({
      state: false,
      signature: undefined,
      sub: undefined,
    });
    expect(mismatch.verdict).toBe('Refused: the answer did not belong to this approval.');
  });
});

describe('setupStep (the timeline’s first row)', () => {
  const call = (workflowStep: number, method: string, path: string, status = 200): CallEvent => ({
    client: 1,
    step: 'management',
    workflowStep,
    method,
    url: `http://127.0.0.1:1/v1/environments/env-1/${path}`,
    template: '',
    status,
    durationMs: 1,
    attempt: 1,
    willRetry: false,
  });

  it('embedded: the start-up’s calls listed by workflow step, runtime steps left out', () => {
    const row = setupStep(
      [
        call(15, 'POST', 'users/u-1/devices', 201),
        call(1, 'GET', 'applications'),
        call(1, 'POST', 'applications', 201),
        call(16, 'GET', 'as/authorize'),
      ],
      NOW,
    );
    expect(row).toMatchObject({
      kind: 'setup',
      title: 'Setup: steps 1–15',
      request: '3 calls at start-up',
    });
    expect(row.sections[0]!.fields).toEqual([
      [
        '1 application',
        'GET …/environments/env-1/applications 200 · POST …/environments/env-1/applications 201',
      ],
      ['15 SMS device', 'POST …/environments/env-1/users/u-1/devices 201'],
    ]);
  });

  it('real PingOne: provisioned earlier by npm run setup, nothing listed', () => {
    const row = setupStep(undefined, NOW);
    expect(row.request).toBe('npm run setup');
    expect(row.summary).toMatch(/^Provisioned earlier by `npm run setup`/);
    expect(row.sections).toEqual([]);
  });
});
