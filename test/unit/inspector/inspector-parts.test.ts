import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { describeChecks } from '../../../src/inspector/checks.js';
import { decodeJwtForDisplay, maskCode, scrub, shorten } from '../../../src/inspector/redact.js';
import { summarizeTokenResponse } from '../../../src/inspector/steps.js';
import {
  MAX_STEPS,
  MAX_STRING,
  MAX_TRACE_CHARS,
  appendStep,
  newTrace,
} from '../../../src/inspector/trace.js';
import { MemoryTraceStore } from '../../../src/inspector/trace-store.js';
import { transferHash } from '../../../src/approval/transfer.js';
import type { FlowState, PendingTransfer } from '../../../src/approval/session-state.js';

const NOW = new Date('2026-11-28T12:00:00Z');

async function jwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode('k'.repeat(32)));
}

describe('redact', () => {
  it('masks the code in the SMS text, and digit runs when the code is unknown, but not amounts', () => {
    expect(maskCode('Approve 250.00 EUR to Bob? Code: 482913', '482913')).toBe(
      'Approve 250.00 EUR to Bob? Code: ••••••',
    );
    expect(maskCode('Approve 1000000.00 EUR? Code: 48291377', undefined)).toBe(
      'Approve 1000000.00 EUR? Code: ••••••••',
    );
  });

  it('shortens handles to head…tail and leaves short values alone', () => {
    expect(shorten('abcdefghijklmnop')).toBe('abcdef…mnop');
    expect(shorten('short')).toBe('short');
    expect(shorten(undefined)).toBe('—');
  });

  it('decodes a JWT with its signature elided and nonce/sid shortened; not a JWT → undefined', async () => {
    const token = await jwt({ sub: 'u1', nonce: 'n'.repeat(43), sid: 's'.repeat(36) });
    const decoded = decodeJwtForDisplay(token)!;
    expect(decoded.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decoded.claims).toEqual({ sub: 'u1', nonce: 'nnnnnn…nnnn', sid: 'ssssss…ssss' });
    expect(JSON.stringify(decoded)).not.toContain(token.split('.')[2]);
    expect(decodeJwtForDisplay('opaque-token')).toBeUndefined();
    expect(decodeJwtForDisplay('a.b.c')).toBeUndefined();
  });

  it('scrubs known secrets from every string, at any depth, and ignores too-short ones', () => {
    const out = scrub(
      { a: 'x SECRET1 y', b: [{ c: 'SECRET1' }], n: 123456, short: 'abc' },
      new Set(['SECRET1', 'abc']),
    );
    expect(out).toEqual({ a: 'x [redacted] y', b: [{ c: '[redacted]' }], n: 123456, short: 'abc' });
  });

  it('summarizes a token response without keeping a token', async () => {
    const id = await jwt({ sub: 'u1', acr: 'policy' });
    const summary = summarizeTokenResponse(200, {
      access_token: 'opaque-access-token-value',
      id_token: id,
      refresh_token: 'refresh-token-value',
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(summary.idToken!.claims).toEqual({ sub: 'u1', acr: 'policy' });
    const text = JSON.stringify(summary);
    for (const secret of ['opaque-access-token-value', 'refresh-token-value', id]) {
      expect(text).not.toContain(secret);
    }
    expect(summarizeTokenResponse(400, { error: 'invalid_grant', id: 'x' }).error).toEqual({
      error: 'invalid_grant',
      id: 'x',
    });
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

describe('describeChecks', () => {
  const transfer: PendingTransfer = {
    id: 'tr-1',
    amount: '10.00',
    currency: 'EUR',
    payee: 'Bob',
    fromAccount: 'acc',
    hash: '',
    createdAt: NOW.toISOString(),
  };
  transfer.hash = transferHash(transfer.id, transfer);
  const flow = {
    transferHash: transfer.hash,
    state: 'state-value-0123456789',
    nonce: 'nonce-value-0123456789',
    userId: 'user-1',
    startedAt: new Date(NOW.getTime() - 30_000).toISOString(),
  } as FlowState;
  const expect_ = {
    issuer: 'https://auth.example/env/as',
    clientId: 'client-1',
    policyName: 'SMS policy',
    username: 'demo',
  };
  const idToken = (claims: Record<string, unknown>) => ({
    header: { alg: 'RS256', kid: 'k1' },
    claims: {
      iss: expect_.issuer,
      aud: 'client-1',
      exp: NOW.getTime() / 1000 + 60,
      nonce: shorten(flow.nonce),
      sub: 'user-1',
      acr: 'SMS policy',
      ...claims,
    },
    signature: '(elided)',
  });
  const marks = (checks: Array<{ name: string; ok: boolean | undefined }>) =>
    Object.fromEntries(checks.map((c) => [c.name, c.ok]));
  /** What finishFlow read from an ID token that passed openid-client's checks. */
  const accepted = (authTime: number) => ({
    sub: 'user-1',
    acr: 'SMS policy',
    iss: expect_.issuer,
    aud: 'client-1',
    auth_time: authTime,
  });

  it('all passed: every check ticked, state not echoed is "not checked"', () => {
    const r = describeChecks(
      {
        flow,
        transfer,
        response: { code: 'c' },
        claims: accepted(NOW.getTime() / 1000 - 10),
      },
      expect_,
      idToken({}),
      NOW,
    );
    expect(r.ok).toBe(true);
    expect(marks(r.checks)).toEqual({
      'transfer hash': true,
      state: undefined,
      signature: true,
      iss: true,
      aud: true,
      exp: true,
      nonce: true,
      sub: true,
      acr: true,
      auth_time: true,
    });
  });

  it('an auth_time from before the flow started: marked, and the verdict is finishFlow’s problem', () => {
    const stale = NOW.getTime() / 1000 - 3600;
    const r = describeChecks(
      {
        flow,
        transfer,
        response: { code: 'c' },
        claims: accepted(stale),
        problem: 'auth_time is 3570 s before this flow started',
      },
      expect_,
      idToken({ auth_time: stale }),
      NOW,
    );
    expect(r.ok).toBe(false);
    expect(marks(r.checks)).toMatchObject({ acr: true, auth_time: false });
    expect(r.verdict).toBe('Refused: auth_time is 3570 s before this flow started');
  });

  it('a token refused by openid-client: the failing claim is marked, the verdict quotes the reason', () => {
    const r = describeChecks(
      { flow, transfer, response: { code: 'c', state: flow.state }, rejected: 'unexpected nonce' },
      expect_,
      idToken({ nonce: 'other…nonc' }),
      NOW,
    );
    expect(r.ok).toBe(false);
    expect(marks(r.checks)).toMatchObject({
      state: true,
      nonce: false,
      iss: true,
      signature: undefined,
    });
    expect(r.verdict).toBe('Refused by openid-client: unexpected nonce');
  });

  it('a wrong sub (finishFlow’s problem) and a state mismatch', () => {
    const wrongSub = describeChecks(
      {
        flow,
        transfer,
        response: { code: 'c' },
        claims: { sub: 'someone', acr: 'SMS policy', iss: expect_.issuer, aud: 'client-1' },
        problem: 'sub someone is not the user of this flow',
      },
      expect_,
      idToken({ sub: 'someone' }),
      NOW,
    );
    expect(wrongSub.ok).toBe(false);
    expect(marks(wrongSub.checks)).toMatchObject({ sub: false, acr: true });
    const mismatch = describeChecks(
      { flow, transfer, response: { code: 'c', state: 'other' }, stateMismatch: true },
      expect_,
      undefined,
      NOW,
    );
    expect(marks(mismatch.checks)).toMatchObject({
      state: false,
      signature: undefined,
      sub: undefined,
    });
  });
});
