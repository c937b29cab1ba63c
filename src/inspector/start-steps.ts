import type { SmsMeasure } from '../approval/sms-encoding.js';
import type { AuthorizeParams, PingOneFlow } from '../pingone/flow.js';
import { DOCS } from './doc-links.js';
import { decodeJwtForDisplay, shorten } from './redact.js';
import {
  answerLabel,
  cookieField,
  errorSection,
  flowSummary,
  path,
  traceError,
  type Http,
  type StepDraft,
} from './step-parts.js';
import type { TraceSection } from './trace.js';

export interface TransferFacts {
  id: string;
  hash: string;
  amount: string;
  currency: string;
  payee: string;
  fromAccount: string;
}

/** Browser → us: the transfer form, or "send a new code" for the same transfer. */
export function startStep(transfer: TransferFacts, resend: boolean, now: Date): StepDraft {
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
          ['transfer id', transfer.id],
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

function requestJwtSections(jwt: string): TraceSection[] {
  const decoded = decodeJwtForDisplay(jwt);
  if (!decoded) return [];
  return [
    {
      title: 'request JWT: header',
      json: decoded.header,
      note: 'HS256: signed with the application’s client secret. The same JWT is sent as login_hint_token: its sub names the user.',
    },
    {
      title: 'request JWT: claims',
      json: decoded.claims,
      note: `pi.template.variables fill \${sum}, \${currency} and \${recipient} in the SMS template. Signature ${decoded.signature}.`,
    },
  ];
}

export interface AuthorizeFacts {
  params: AuthorizeParams;
  url: string;
  transactionId: string;
  responseMode: 'pi.flow' | 'query';
  http?: Http;
  flow?: PingOneFlow;
  cookieNames?: string[];
  error?: unknown;
  now: Date;
}

/** Step 16: authorize, server to server (pi.flow) or through the browser (hosted page). */
export function authorizeStep(f: AuthorizeFacts): StepDraft {
  const p = f.params;
  const error = f.error === undefined ? undefined : traceError(f.error);
  const sections: TraceSection[] = [
    {
      title: 'Request: query parameters',
      fields: [
        ['client_id', p.clientId],
        ['response_type', 'code'],
        ['response_mode', f.responseMode],
        ['scope', p.scope ?? 'openid profile'],
        ['redirect_uri', p.redirectUri],
        ['state', `${shorten(p.state)} (shortened)`],
        ['nonce', `${shorten(p.nonce)} (shortened)`],
        [
          'code_challenge',
          `${shorten(p.codeChallenge)} (S256 of the PKCE verifier, which stays here)`,
        ],
        ['code_challenge_method', 'S256'],
        ['acr_values', p.acrValues],
        ['max_age', `${p.maxAge} (authenticate the person now, not from an earlier sign-on)`],
        ['request', 'a signed JWT (decoded below)'],
        ['login_hint_token', 'the same JWT'],
      ],
    },
    ...requestJwtSections(p.requestJwt),
  ];
  if (f.responseMode === 'pi.flow') {
    sections.push({
      title: 'Request headers',
      fields: [
        ['Accept', '*/*'],
        ['X-Ping-External-Transaction-ID', f.transactionId],
      ],
    });
  }
  if (f.flow) {
    sections.push({
      title: 'Response: the flow object',
      json: flowSummary(f.flow),
      note: 'pi.flow answers 200 with a flow instead of a redirect. OTP_REQUIRED: the sign-on policy’s SMS action chose the user’s device and PingOne sent the code.',
    });
    sections.push({
      title: 'Response: cookies',
      fields: [
        cookieField(f.cookieNames ?? [], 'set by PingOne, replayed on every later flow call'),
      ],
    });
  }
  if (error) sections.push(errorSection(error));
  const hosted = f.responseMode === 'query';
  const draft: StepDraft = {
    kind: 'authorize',
    from: hosted ? 'you' : 'rp',
    to: 'pingone',
    title: hosted ? 'authorize (redirect to PingOne’s page)' : 'authorize (pi.flow)',
    request: `GET ${path(f.url)}`,
    ok: !error,
    at: f.now.toISOString(),
    summary: error
      ? `PingOne refused or failed: ${error.code}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`
      : hosted
        ? 'The browser is sent to PingOne with the signed request; PingOne shows its own code page.'
        : `PingOne started flow ${shorten(f.flow?.id)}: ${f.flow?.status ?? ''}`,
    sections,
    doc: DOCS.authorize,
  };
  if (!hosted) draft.response = answerLabel(f.http, error, f.flow?.status ?? '');
  if (f.http) draft.http = { ...f.http, url: f.url };
  if (error) draft.error = error;
  return draft;
}

export interface SmsFacts {
  mode: 'embedded' | 'pingone';
  maskedPhone?: string;
  /** Embedded mode: the emulator's message, its code already masked. */
  text?: string;
  /** Embedded mode: why the outbox could not be read. */
  unreadable?: string;
  /**
   * How the SMS travels: measured on the emulator's message, or on the provisioned template
   * filled with the transfer when only PingOne sees the message.
   */
  measure?: SmsMeasure;
  now: Date;
}

function travelFields(m: SmsMeasure): Array<[string, string]> {
  const unit = m.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units';
  return [
    ['encoding', m.outside ? `${m.encoding} (“${m.outside}” is not in GSM-7)` : m.encoding],
    ['length', `${m.length} ${unit}, ${m.perSegment} per segment`],
    ['segments', String(m.segments)],
  ];
}

/** What PingOne texted: its text in embedded mode (code masked), only where it went otherwise. */
export function smsStep(f: SmsFacts): StepDraft {
  const to = f.maskedPhone ?? 'the user’s SMS device';
  const travel = f.measure ? travelFields(f.measure) : [];
  const sections: TraceSection[] = [];
  if (f.text !== undefined) {
    sections.push({
      title: 'The SMS (from the emulator’s outbox, code masked)',
      fields: [['to', to], ['text', f.text], ...travel],
      note: 'The transaction template’s ${sum}, ${currency} and ${recipient} come from the request JWT’s pi.template; ${OTP} is the code.',
    });
  } else {
    sections.push({
      title: 'The SMS',
      fields: [['to', to], ...travel],
      note:
        f.mode === 'embedded'
          ? `The emulator’s outbox could not be read (${f.unreadable ?? 'no message'}).`
          : 'PingOne fills the transaction template with pi.template’s variables and the code, and texts it. The relying party never sees the message or the code; encoding and segments are those of the template setup provisions, filled with this transfer.',
    });
  }
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
    at: f.now.toISOString(),
    summary:
      f.text !== undefined
        ? f.text
        : `Sent to ${to}; its text stays between PingOne and the phone.`,
    sections,
    doc: DOCS.workflow,
  };
}
