import type { Started } from '../approval/approval-events.js';
import type { SmsMeasure } from '../approval/sms-encoding.js';
import type { CallEvent } from '../pingone/call-events.js';
import { WORKFLOW_STEPS } from '../pingone/workflow-steps.js';
import { DOCS } from './doc-links.js';
import {
  answerLabel,
  errorSection,
  failureText,
  path,
  pingoneStep,
  shorten,
  traceError,
  type Facts,
  type StepDraft,
} from './step-parts.js';
import type { TraceSection } from './trace.js';

export function startStep(transfer: Started['transfer'], resend: boolean, now: Date): StepDraft {
  return {
    kind: 'browser',
    from: 'you',
    to: 'rp',
    title: resend ? 'Send a new code' : 'Approve the transfer',
    request: resend ? 'POST /approvals/resend' : 'POST /approvals',
    ok: true,
    at: now.toISOString(),
    summary: resend
      ? 'A new PingOne flow for the same transfer: new state, nonce and PKCE verifier.'
      : `${transfer.amount} ${transfer.currency} to ${transfer.payee}`,
    sections: [
      {
        title: 'The transfer (validated on the server)',
        fields: [
          ['amount', transfer.amount],
          ['currency', transfer.currency],
          ['payee', transfer.payee],
          ['from', transfer.fromAccount],
          ['transfer hash (SHA-256)', shorten(transfer.hash, 10, 6)],
        ],
      },
      {
        title: 'What the server did first',
        note: resend
          ? 'The previous flow was taken out of the session, so its code can no longer approve anything here.'
          : 'Checked the CSRF token, validated the fields, gave the session a new id (session fixation), and bound the transfer to its hash. The hash is checked again before anything is recorded.',
      },
    ],
    doc: DOCS.workflow,
  };
}

const NOT_SHOWN = 'a fresh random value, kept in the session, not shown';

export function authorizeStep(f: Facts & { started: Started }): StepDraft {
  const { authorize: a, requestObject, responseMode } = f.started;
  const sections: TraceSection[] = [
    {
      title: 'Request: query parameters',
      fields: [
        ['client_id', a.client_id],
        ['response_type', 'code'],
        ['response_mode', responseMode],
        ['scope', a.scope],
        ['redirect_uri', a.redirect_uri],
        ['state', NOT_SHOWN],
        ['nonce', NOT_SHOWN],
        ['code_challenge', 'S256 of the PKCE verifier, which stays on the server'],
        ['code_challenge_method', 'S256'],
        ['acr_values', a.acr_values],
        ['max_age', `${a.max_age} (authenticate the person now, not from an earlier sign-on)`],
        ['request', 'a signed JWT (decoded below)'],
        ['login_hint_token', 'the same JWT'],
      ],
    },
    {
      title: 'request JWT: header',
      json: requestObject.header,
      note: 'HS256: signed with the application’s client secret. The same JWT is sent as login_hint_token: its sub names the user.',
    },
    {
      title: 'request JWT: claims',
      json: requestObject.claims,
      note: 'pi.template.variables fill ${sum}, ${currency} and ${recipient} in the SMS template. The signature is not shown.',
    },
  ];
  const hosted = responseMode === 'query';
  if (!hosted) {
    sections.push({
      title: 'Request headers',
      fields: [
        ['Accept', '*/*'],
        ['X-Ping-External-Transaction-ID', 'the transfer id'],
      ],
    });
  }
  const status = f.answer ? 'OTP_REQUIRED' : f.flowStatus;
  if (f.answer) {
    const flow = {
      status,
      ...(f.answer.expiresAt && { expiresAt: f.answer.expiresAt }),
      ...(f.answer.userId && { _embedded: { user: { id: f.answer.userId } } }),
    };
    const names = f.answer.cookieNames;
    sections.push(
      {
        title: 'Response: the flow object',
        json: flow,
        note: 'pi.flow answers 200 with a flow instead of a redirect. OTP_REQUIRED: the sign-on policy’s SMS action chose the user’s device and PingOne sent the code.',
      },
      {
        title: 'Response: cookies',
        fields: [
          [
            'Cookie',
            names.length
              ? `${names.join(', ')} (set by PingOne, replayed on every later flow call; values not shown)`
              : '(none)',
          ],
        ],
      },
    );
  } else if (status) {
    sections.push({ title: 'Response: the flow object', json: { status } });
  }
  const error = f.failure && traceError(f.failure);
  if (f.failure) sections.push(errorSection(f.failure));
  const draft = pingoneStep(
    {
      kind: 'authorize',
      workflowStep: 16,
      title: hosted ? 'authorize (redirect to PingOne’s page)' : 'authorize (pi.flow)',
      request: 'GET …/as/authorize',
      summary: error
        ? `PingOne refused or failed: ${failureText(error)}`
        : hosted
          ? 'The browser is sent to PingOne with the signed request; PingOne shows its own code page.'
          : `PingOne started a flow: ${status ?? ''}`,
      sections,
      doc: DOCS.authorize,
    },
    f.http,
    error,
    f.now,
  );
  if (hosted) draft.from = 'you';
  else draft.response = answerLabel(f.http, error, status ?? '');
  return draft;
}

interface SmsFacts {
  mode: 'embedded' | 'pingone';
  maskedPhone?: string;
  text?: string;
  unreadable?: string;
  measure?: SmsMeasure;
  at: string;
}

function travelFields(m: SmsMeasure): Array<[string, string]> {
  const unit = m.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units';
  return [
    ['encoding', m.outside ? `${m.encoding} (“${m.outside}” is not in GSM-7)` : m.encoding],
    ['length', `${m.length} ${unit}, ${m.perSegment} per segment`],
    ['segments', String(m.segments)],
  ];
}

export function smsStep(f: SmsFacts): StepDraft {
  const to = f.maskedPhone ?? 'the user’s SMS device';
  const travel = f.measure ? travelFields(f.measure) : [];
  const section: TraceSection =
    f.text !== undefined
      ? {
          title: 'The SMS (from the emulator’s outbox, code masked)',
          fields: [['to', to], ['text', f.text], ...travel],
          note: 'The transaction template’s ${sum}, ${currency} and ${recipient} come from the request JWT’s pi.template; ${OTP} is the code.',
        }
      : {
          title: 'The SMS',
          fields: [['to', to], ...travel],
          note:
            f.mode === 'embedded'
              ? `The emulator’s outbox could not be read (${f.unreadable ?? 'no message'}).`
              : 'PingOne fills the transaction template with pi.template’s variables and the code, and texts it. The relying party never sees the message or the code; encoding and segments are those of the template setup provisions, filled with this transfer.',
        };
  const parts = f.measure
    ? ` · ${f.measure.encoding} · ${f.measure.segments} ${f.measure.segments === 1 ? 'segment' : 'segments'}`
    : '';
  return {
    kind: 'sms',
    from: 'pingone',
    to: 'you',
    title: 'SMS with the transfer and the code',
    request: `SMS to ${to}${parts}`,
    ok: true,
    at: f.at,
    summary: f.text ?? `Sent to ${to}; its text stays between PingOne and the phone.`,
    sections: [section],
    doc: DOCS.workflow,
  };
}

// Steps 1–15 are made once before any approval: by the embedded start-up, or earlier by `npm run setup`.
export function setupStep(calls: readonly CallEvent[] | undefined, at: Date): StepDraft {
  const setup = (calls ?? []).filter((c) => c.workflowStep !== undefined && c.workflowStep <= 15);
  const steps = [...new Set(setup.map((c) => c.workflowStep!))].sort((a, b) => a - b);
  const fields = steps.map((n): [string, string] => [
    `${n} ${WORKFLOW_STEPS[n]!.name}`,
    setup
      .filter((c) => c.workflowStep === n)
      .map((c) => `${c.method} ${path(c.url)} ${c.status ?? 'no answer'}`)
      .join(' · '),
  ]);
  const count = setup.length;
  return {
    kind: 'setup',
    from: 'rp',
    to: 'pingone',
    title: 'Setup: steps 1–15',
    request: count ? `${count} calls at start-up` : 'npm run setup',
    ok: true,
    at: at.toISOString(),
    summary: count
      ? `The embedded start-up provisioned the emulator with the same code as npm run setup: ${count} calls.`
      : 'Provisioned earlier by `npm run setup`: the application, its sign-on policy, the SMS template, the user and the SMS device.',
    sections: count
      ? [
          {
            title: 'The calls, by workflow step (0 is the worker token)',
            fields,
            note: 'Each step finds its object and creates or repairs it only when needed: a second start changes nothing.',
          },
        ]
      : [],
    doc: DOCS.workflow,
  };
}
