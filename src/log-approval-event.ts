import type { ApprovalEvent, PingOneFailed } from './approval/approval-events.js';
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

function lineOf(e: ApprovalEvent): Line | undefined {
  switch (e.kind) {
    case 'started':
      return e.responseMode === 'query'
        ? ['info', 'flow.redirect', 'redirecting to PingOne']
        : undefined;
    case 'sms-sent':
      return ['info', 'flow.started', 'PingOne sent the code'];
    case 'code-wrong':
      // The audit line of a wrong code: who sent it, from where, and what PingOne said is left.
      return [
        'info',
        'otp.wrong',
        'wrong code',
        { attemptsLeft: e.attemptsLeft, locked: e.locked, ...e.audit },
      ];
    case 'code-accepted':
      return ['debug', 'otp.accepted', 'PingOne accepted the code'];
    case 'resumed':
      return ['debug', 'flow.resumed', 'authorization response received', { via: e.via }];
    case 'token-checked':
      if (e.verdict === 'accepted') return ['debug', 'token.accepted', 'ID token accepted'];
      return e.failedCheck === 'state'
        ? ['warn', 'flow.state_mismatch', 'state in the authorization response does not match']
        : [
            'warn',
            'token.rejected',
            'ID token rejected',
            { reason: e.reason, check: e.failedCheck },
          ];
    case 'recorded':
      return [
        'info',
        'approval.recorded',
        e.created ? 'approval recorded' : 'transfer was already approved',
        { approvalId: e.approvalId, created: e.created, ...e.audit },
      ];
    case 'pingone-failed':
      return failedLine(e);
    case 'settled':
      return [
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
      ];
  }
}

/** The approval's log lines, named as docs/operations.md lists them; the events hold no secret. */
export function logApprovalEvent(logger: Logger): (event: ApprovalEvent) => void {
  return (event) => {
    const line = lineOf(event);
    if (!line || !logger.isLevelEnabled(line[0])) return;
    const [level, name, message, fields] = line;
    const reqId = event.requestId && { reqId: event.requestId };
    logger[level]({ ...reqId, transferId: event.transferId, ...fields, event: name }, message);
  };
}
