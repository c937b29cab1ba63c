import type { AuthorizeResponse, PingOneFlow } from '../pingone/flow.js';
import { isPingOneError } from '../pingone/http.js';
import { DOCS } from './doc-links.js';
import { elided, shorten } from './redact.js';
import {
  answerLabel,
  cookieField,
  errorSection,
  flowSummary,
  OTP_TYPE,
  path,
  traceError,
  type Http,
  type StepDraft,
} from './step-parts.js';
import type { TraceSection } from './trace.js';

/** Browser → us: the code form. The code itself is never kept. */
export function codeSubmitStep(codeLength: number, now: Date): StepDraft {
  return {
    kind: 'browser',
    from: 'you',
    to: 'rp',
    title: 'Submit the code',
    request: 'POST /approvals/otp',
    ok: true,
    at: now.toISOString(),
    summary: `otp=${'•'.repeat(codeLength)} goes to our server, never from the browser to PingOne.`,
    sections: [
      {
        title: 'Form fields',
        fields: [
          ['otp', `${'•'.repeat(codeLength)} (${codeLength} digits, not shown)`],
          ['_csrf', '(checked, not shown)'],
        ],
        note: 'The flow state is taken out of the session before it is used: a double click, a second tab or the back button finds nothing to continue.',
      },
    ],
  };
}

export interface OtpCheckFacts {
  flowId: string;
  url: string;
  codeLength: number;
  cookieNames: string[];
  bearer: boolean;
  transactionId: string;
  http?: Http;
  flow?: PingOneFlow;
  rotatedCookies?: string[];
  error?: unknown;
  attemptsLeft?: number;
  now: Date;
}

/** Step 17: otp.check on the flows API. */
export function otpCheckStep(f: OtpCheckFacts): StepDraft {
  const error = f.error === undefined ? undefined : traceError(f.error);
  const headers: Array<[string, string]> = [
    ['Content-Type', OTP_TYPE],
    ['Accept', '*/*'],
    cookieField(f.cookieNames, 'replayed'),
    ['X-Ping-External-Transaction-ID', f.transactionId],
  ];
  if (f.bearer) headers.push(['Authorization', 'Bearer (worker token, not shown)']);
  const sections: TraceSection[] = [
    { title: 'Request headers', fields: headers },
    { title: 'Request body', json: { otp: '•'.repeat(f.codeLength) } },
  ];
  if (f.flow) {
    sections.push({ title: 'Response: the flow object', json: flowSummary(f.flow) });
    if (f.rotatedCookies?.length) {
      sections.push({
        title: 'Response: cookies',
        fields: [cookieField(f.rotatedCookies, 'rotated by PingOne')],
      });
    }
  }
  if (error) {
    const details = isPingOneError(f.error) && f.error.details.length ? f.error.details : undefined;
    sections.push(errorSection(error, details));
  }
  const wrong = error && error.status === 400;
  const draft: StepDraft = {
    kind: 'otp.check',
    from: 'rp',
    to: 'pingone',
    title: 'otp.check',
    request: `POST ${path(f.url).replace(f.flowId, shorten(f.flowId))}`,
    response: answerLabel(f.http, error, f.flow?.status ?? ''),
    ok: !error,
    at: f.now.toISOString(),
    summary: error
      ? wrong
        ? `Wrong code${f.attemptsLeft !== undefined ? `: ${f.attemptsLeft} ${f.attemptsLeft === 1 ? 'attempt' : 'attempts'} left` : ''}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`
        : `PingOne failed: ${error.code}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`
      : `Flow ${f.flow?.status ?? ''}${f.flow?.authorizeResponse ? ': the answer already carries the authorization response' : ''}`,
    sections,
    doc: DOCS.otpCheck,
  };
  if (f.http) draft.http = { ...f.http, url: f.url.replace(f.flowId, shorten(f.flowId)) };
  if (error) draft.error = error;
  return draft;
}

export interface ResumeFacts {
  flowId: string;
  url: string;
  cookieNames: string[];
  http?: Http;
  response?: AuthorizeResponse;
  error?: unknown;
  now: Date;
}

/** Step 18: resume the COMPLETED flow into the authorization response. */
export function resumeStep(f: ResumeFacts): StepDraft {
  const error = f.error === undefined ? undefined : traceError(f.error);
  const sections: TraceSection[] = [
    {
      title: 'Request',
      fields: [
        ['flowId', `${shorten(f.flowId)} (shortened)`],
        cookieField(f.cookieNames, 'replayed'),
        ['Accept', '*/*'],
      ],
    },
  ];
  if (f.response) {
    sections.push({
      title:
        f.http?.status !== undefined && f.http.status >= 300
          ? 'Response: 302 Location (redirect)'
          : 'Response: authorizeResponse',
      fields: [
        [
          'code',
          `${elided(f.response.code, 'one-time, exchanged at the token endpoint, not shown')}`,
        ],
        ['state', f.response.state ? `${shorten(f.response.state)} (echoed)` : '(not echoed)'],
        ...(f.response.iss ? ([['iss', f.response.iss]] as Array<[string, string]>) : []),
      ],
    });
  }
  if (error) sections.push(errorSection(error));
  const draft: StepDraft = {
    kind: 'resume',
    from: 'rp',
    to: 'pingone',
    title: 'resume',
    request: `GET ${path(f.url)}`,
    response: answerLabel(f.http, error, 'code'),
    ok: !error,
    at: f.now.toISOString(),
    summary: error
      ? `PingOne did not resume: ${error.code}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`
      : 'PingOne turned the completed flow into an authorization code.',
    sections,
    doc: DOCS.resume,
  };
  if (f.http) draft.http = { ...f.http, url: f.url };
  if (error) draft.error = error;
  return draft;
}

/** Hosted mode: PingOne sends the browser back with the code. */
export function callbackStep(
  query: { code?: string; state?: string; error?: string; iss?: string },
  now: Date,
): StepDraft {
  const fields: Array<[string, string]> = [
    ['code', elided(query.code)],
    ['state', query.state ? `${shorten(query.state)} (shortened)` : '(none)'],
  ];
  if (query.iss) fields.push(['iss', query.iss]);
  if (query.error) fields.push(['error', query.error]);
  return {
    kind: 'callback',
    from: 'pingone',
    to: 'rp',
    title: 'Back from PingOne’s page',
    request: 'GET /callback',
    ok: !query.error,
    at: now.toISOString(),
    summary: query.error
      ? `PingOne answered ${query.error}`
      : 'The browser brings the authorization code back (redirect).',
    sections: [{ title: 'Query parameters', fields }],
    doc: DOCS.resume,
  };
}
