import type { PingOneFailure, Resumed } from '../approval/approval-events.js';
import { DOCS } from './doc-links.js';
import {
  answerLabel,
  errorSection,
  failureText,
  pingoneStep,
  traceError,
  type Facts,
  type Http,
  type StepDraft,
} from './step-parts.js';
import type { TraceSection } from './trace.js';

const MASK = '••••••';
const OTP_TYPE = 'application/vnd.pingidentity.otp.check+json';
const REPLAYED = 'PingOne’s cookies from step 16, replayed (values kept on the server, not shown)';

export function codeSubmitStep(now: Date): StepDraft {
  return {
    kind: 'browser',
    from: 'you',
    to: 'rp',
    title: 'Submit the code',
    request: 'POST /approvals/otp',
    ok: true,
    at: now.toISOString(),
    summary: `otp=${MASK} goes to our server, never from the browser to PingOne.`,
    sections: [
      {
        title: 'Form fields',
        fields: [
          ['otp', `${MASK} (not shown)`],
          ['_csrf', '(checked, not shown)'],
        ],
        note: 'The flow state is taken out of the session before it is used: a double click, a second tab or the back button finds nothing to continue.',
      },
    ],
  };
}

export function otpCheckStep(f: Facts & { bearer: boolean }): StepDraft {
  const error = f.failure && traceError(f.failure);
  const headers: Array<[string, string]> = [
    ['Content-Type', OTP_TYPE],
    ['Accept', '*/*'],
    ['Cookie', REPLAYED],
    ['X-Ping-External-Transaction-ID', 'the transfer id'],
  ];
  if (f.bearer) headers.push(['Authorization', 'Bearer (worker token, not shown)']);
  const sections: TraceSection[] = [
    { title: 'Request headers', fields: headers },
    { title: 'Request body', json: { otp: MASK } },
  ];
  if (f.flowStatus) {
    sections.push({ title: 'Response: the flow object', json: { status: f.flowStatus } });
  }
  if (f.failure) sections.push(errorSection(f.failure));
  const wrong =
    f.attemptsLeft !== undefined || error?.status === 400 || f.flowStatus === 'OTP_REQUIRED';
  const left = f.attemptsLeft;
  const summary = wrong
    ? `Wrong code${left !== undefined ? `: ${left} ${left === 1 ? 'attempt' : 'attempts'} left` : ''}${error?.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`
    : error
      ? `PingOne failed: ${failureText(error)}`
      : `Flow ${f.flowStatus ?? ''}${f.carriesResponse ? ': the answer already carries the authorization response' : ''}`;
  const draft = pingoneStep(
    {
      kind: 'otp.check',
      workflowStep: 17,
      title: 'otp.check',
      request: 'POST …/flows/{flowId}',
      response: answerLabel(f.http, error, f.flowStatus ?? ''),
      summary,
      sections,
      doc: DOCS.otpCheck,
    },
    f.http,
    error,
    f.now,
  );
  // A 200 that still wants a code is as wrong as a 400.
  if (wrong) draft.ok = false;
  return draft;
}

export function resumeStep(
  answer: Resumed | undefined,
  failure: PingOneFailure | undefined,
  http: Http | undefined,
  now: Date,
): StepDraft {
  const error = failure && traceError(failure);
  const sections: TraceSection[] = [
    {
      title: 'Request',
      fields: [
        ['flowId', 'the completed flow (not shown)'],
        ['Cookie', REPLAYED],
        ['Accept', '*/*'],
      ],
    },
  ];
  if (answer) {
    sections.push({
      title:
        http?.status !== undefined && http.status >= 300
          ? 'Response: 302 Location (redirect)'
          : 'Response: authorizeResponse',
      fields: [
        ['code', 'present (one-time, exchanged at the token endpoint, not shown)'],
        ['state', answer.stateEchoed ? 'echoed (equal to ours, not shown)' : '(not echoed)'],
        ...(answer.iss ? ([['iss', answer.iss]] as Array<[string, string]>) : []),
      ],
    });
  }
  if (failure) sections.push(errorSection(failure));
  return pingoneStep(
    {
      kind: 'resume',
      workflowStep: 18,
      title: 'resume',
      request: 'GET …/as/resume',
      response: answerLabel(http, error, 'code'),
      summary: error
        ? `PingOne did not resume: ${failureText(error)}`
        : 'PingOne turned the completed flow into an authorization code.',
      sections,
      doc: DOCS.resume,
    },
    http,
    error,
    now,
  );
}

export function callbackStep(
  answer: Resumed | undefined,
  oauthError: string | undefined,
  now: Date,
): StepDraft {
  const fields: Array<[string, string]> = [
    ['code', answer ? 'present (not shown)' : '(none)'],
    ['state', 'equal to this flow’s (checked before the flow was used, not shown)'],
  ];
  if (answer?.iss) fields.push(['iss', answer.iss]);
  if (oauthError) fields.push(['error', oauthError]);
  return {
    kind: 'callback',
    workflowStep: 18,
    from: 'pingone',
    to: 'rp',
    title: 'Back from PingOne’s page',
    request: 'GET /callback',
    ok: !oauthError,
    at: now.toISOString(),
    summary: oauthError
      ? `PingOne answered ${oauthError}`
      : 'The browser brings the authorization code back (redirect).',
    sections: [{ title: 'Query parameters', fields }],
    doc: DOCS.resume,
  };
}
