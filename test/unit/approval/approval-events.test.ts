import { describe, expect, it } from 'vitest';
import { onApprovalEvent, publishApproval } from '../../../src/approval/approval-events.js';
import { onCall, publishCall, type CallEvent } from '../../../src/pingone/call-events.js';

const base = { client: 987_654, transferId: 'tr-1', requestId: 'req-1' };

describe('publishApproval', () => {
  it('builds nothing while nobody listens', () => {
    let built = 0;
    publishApproval(base, () => {
      built += 1;
      return { kind: 'code-accepted', step: 17, carriesResponse: false };
    });
    expect(built).toBe(0);
  });

  it('gives a listener its client’s events with their base, until its signal aborts', () => {
    const heard: unknown[] = [];
    const stop = new AbortController();
    onApprovalEvent(base.client, (e) => heard.push(e), stop.signal);
    publishApproval(base, () => ({ kind: 'code-accepted', step: 17, carriesResponse: true }));
    publishApproval({ ...base, client: 1 }, () => ({
      kind: 'code-accepted',
      step: 17,
      carriesResponse: false,
    }));
    stop.abort();
    publishApproval(base, () => ({ kind: 'code-accepted', step: 17, carriesResponse: false }));
    expect(heard).toEqual([{ ...base, kind: 'code-accepted', step: 17, carriesResponse: true }]);
  });

  // Node rethrows a subscriber's error on the next tick, as an uncaught exception: the turn
  // awaited lets it surface here (vitest fails the run on it) if onChannel did not catch it.
  it('a listener that throws fails neither the publisher nor the next listener', async () => {
    const heard: string[] = [];
    const stop = new AbortController();
    onApprovalEvent(
      base.client,
      () => {
        throw new Error('listener bug');
      },
      stop.signal,
    );
    onApprovalEvent(base.client, (e) => heard.push(e.kind), stop.signal);
    expect(() =>
      publishApproval(base, () => ({ kind: 'code-accepted', step: 17, carriesResponse: true })),
    ).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    expect(heard).toEqual(['code-accepted']);
  });
});

describe('onCall', () => {
  it('a listener that throws fails neither the call nor the next listener', async () => {
    const call: CallEvent = {
      client: base.client,
      step: 'token',
      method: 'POST',
      url: 'https://auth.example/as/token',
      template: 'https://auth.example/as/token',
      durationMs: 1,
      attempt: 1,
      willRetry: false,
    };
    const heard: string[] = [];
    const stop = new AbortController();
    onCall(
      base.client,
      () => {
        throw new Error('listener bug');
      },
      stop.signal,
    );
    onCall(base.client, (e) => heard.push(e.step), stop.signal);
    onCall(1, (e) => heard.push(`other client: ${e.step}`), stop.signal);
    expect(() => publishCall(call)).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    publishCall(call);
    expect(heard).toEqual(['token']);
  });
});
