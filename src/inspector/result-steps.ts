import type { Settled } from '../approval/approval-events.js';
import type { StepDraft } from './step-parts.js';

export interface ResultFacts {
  outcome: string;
  reason: Settled['reason'];
  request: string;
  pingoneErrorId?: string;
  approvalId?: string;
  now: Date;
}

const OUTCOME_TEXT: Record<string, string> = {
  approved: 'Approved and recorded once.',
  'already-approved': 'Already approved earlier; nothing recorded twice.',
  declined: 'Cancelled: nothing approved.',
  locked: 'Too many wrong codes: PingOne locked the flow.',
  expired: 'The flow expired at PingOne.',
  failed: 'Not approved.',
};

export function resultStep(f: ResultFacts): StepDraft {
  const fields: Array<[string, string]> = [
    ['outcome', f.outcome],
    ['reason', f.reason],
    ['answering', f.request],
  ];
  if (f.approvalId) fields.push(['approval id', f.approvalId]);
  if (f.pingoneErrorId) fields.push(['PingOne error id', f.pingoneErrorId]);
  const ok = f.outcome === 'approved' || f.outcome === 'already-approved';
  return {
    kind: 'result',
    from: 'rp',
    to: 'you',
    title: ok ? 'Approved' : 'Not approved',
    request: '303 /approvals/result',
    ok,
    at: f.now.toISOString(),
    summary: `${OUTCOME_TEXT[f.outcome] ?? f.outcome}${f.pingoneErrorId ? ` PingOne error id ${f.pingoneErrorId}.` : ''}`,
    sections: [{ title: 'Outcome', fields }],
  };
}
