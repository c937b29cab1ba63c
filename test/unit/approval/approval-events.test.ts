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
});

describe('a listener that throws', () => {
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
  type Listen = (
    client: number | undefined,
    listener: (event: { client: number }) => void,
    signal: AbortSignal,
  ) => unknown;
  const channels: Array<{ name: string; listen: Listen; publish: () => void }> = [
    {
      name: 'approval.event',
      listen: onApprovalEvent,
      publish: () =>
        publishApproval(base, () => ({ kind: 'code-accepted', step: 17, carriesResponse: true })),
    },
    { name: 'pingone.call', listen: onCall, publish: () => publishCall(call) },
  ];

  // Node rethrows a subscriber's error on the next tick, as an uncaught exception: the turn
  // awaited lets it surface here (vitest fails the run on it) if onChannel did not catch it.
  it.each(channels)(
    'on $name fails neither the publisher nor the next listener',
    async ({ listen, publish }) => {
      const heard: number[] = [];
      const stop = new AbortController();
      listen(
        base.client,
        () => {
          throw new Error('listener bug');
        },
        stop.signal,
      );
      listen(base.client, (e) => heard.push(e.client), stop.signal);
      listen(1, (e) => heard.push(e.client), stop.signal);
      expect(publish).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      stop.abort();
      publish();
      expect(heard).toEqual([base.client]);
    },
  );
});
