import { describe, expect, it } from 'vitest';
import { onApprovalEvent, publishApproval } from '../../../src/approval/approval-events.js';

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
