import type { ApprovalEvent, EventOf, PingOneFailed } from './approval/approval-events.js';
import type { Logger } from './log.js';

type Level = 'debug' | 'info' | 'warn';
type Line = [level: Level, event: string, message: string, fields?: Record<string, unknown>];

const FAILED: Partial<Record<PingOneFailed['call'], [event: string, message: string]>> = {
  authorize: ['flow.authorize_failed', 'authorize failed'],
  'otp.check': ['otp.refused', 'otp.check refused'],
  resume: ['resume.failed', 'resume failed'],
};

/** The log line of a failed PingOne call, named as operators search for it (docs/operations.md). */
function failedLine(e: PingOneFailed): Line {
  if (e.call === 'callback') {
    return ['info', 'callback.error', 'PingOne returned an error', { oauthError: e.pingone.code }];
  }
  const { status, code: errorCode, pingoneErrorId } = e.pingone;
  const [event, message] =
    e.call === 'otp.check' && e.transient
      ? ['otp.unavailable', 'otp.check failed']
      : (FAILED[e.call] ?? ['token.failed', 'token exchange failed']);
  const fields = { call: e.call, transient: e.transient, status, errorCode, pingoneErrorId };
  return ['warn', event, message, fields];
}

const LINES: { [K in ApprovalEvent['kind']]: (e: EventOf<K>) => Line | undefined } = {
  started: (e) =>
    e.responseMode === 'query' ? ['info', 'flow.redirect', 'redirecting to PingOne'] : undefined,
  'sms-sent': () => ['info', 'flow.started', 'PingOne sent the code'],
  // The audit line of a wrong code: who sent it, from where, and what PingOne said is left.
  'code-wrong': (e) => [
    'info',
    'otp.wrong',
    'wrong code',
    { attemptsLeft: e.attemptsLeft, locked: e.locked, ...e.audit },
  ],
  'code-accepted': () => ['debug', 'otp.accepted', 'PingOne accepted the code'],
  resumed: (e) => ['debug', 'flow.resumed', 'authorization response received', { via: e.via }],
  'token-checked': (e) =>
    e.verdict === 'accepted'
      ? ['debug', 'token.accepted', 'ID token accepted']
      : e.failedCheck === 'state'
        ? ['warn', 'flow.state_mismatch', 'state in the authorization response does not match']
        : [
            'warn',
            'token.rejected',
            'ID token rejected',
            { reason: e.reason, check: e.failedCheck },
          ],
  recorded: (e) => [
    'info',
    'approval.recorded',
    e.created ? 'approval recorded' : 'transfer was already approved',
    { approvalId: e.approvalId, created: e.created, ...e.audit },
  ],
  'pingone-failed': failedLine,
  settled: (e) => [
    // PingOne answered what the flow does not allow: someone should look at the tenant.
    e.reason === 'unexpected_status' ? 'warn' : 'info',
    'flow.settled',
    `approval ${e.outcome}`,
    {
      outcome: e.outcome,
      reason: e.reason,
      workflowStep: e.step,
      flowStatus: e.flowStatus,
      pingoneErrorId: e.pingoneErrorId,
    },
  ],
};

/** The approval's log lines, named as docs/operations.md lists them; the events hold no secret. */
export function logApprovalEvent(logger: Logger): (event: ApprovalEvent) => void {
  return (event) => {
    const line = (LINES[event.kind] as (e: ApprovalEvent) => Line | undefined)(event);
    if (!line || !logger.isLevelEnabled(line[0])) return;
    const [level, name, message, fields] = line;
    const reqId = event.requestId && { reqId: event.requestId };
    logger[level]({ ...reqId, transferId: event.transferId, ...fields, event: name }, message);
  };
}
