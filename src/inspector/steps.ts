import type { AuthorizeParams, AuthorizeResponse, PingOneFlow } from '../pingone/flow.js';
import type { CallEvent } from '../pingone/call-events.js';
import { isPingOneError } from '../pingone/http.js';
import { DOCS } from './doc-links.js';
import { decodeJwtForDisplay, elided, shorten } from './redact.js';
import type { TraceError, TraceSection, TraceStep } from './trace.js';

/**
 * Builders of trace steps, one per kind. Each takes only what is safe to show, or shows a value
 * through shorten()/elided(); none of them copies a secret, cookie value, code or raw token.
 */

export type StepDraft = Omit<TraceStep, 'n'>;
type Http = NonNullable<TraceStep['http']>;

const OTP_TYPE = 'application/vnd.pingidentity.otp.check+json';

/** HTTP facts from the call's events (the last attempt wins; retries are counted). */
export function httpFacts(method: string, url: string, reports: readonly CallEvent[]): Http {
  const last = reports[reports.length - 1];
  const http: Http = { method, url, durationMs: reports.reduce((s, r) => s + r.durationMs, 0) };
  if (last?.status !== undefined) http.status = last.status;
  if (reports.length > 1) http.attempts = reports.length;
  return http;
}

/** What PingOne said when a call failed, without anything of the request. */
export function traceError(error: unknown): TraceError {
  if (isPingOneError(error)) {
    const out: TraceError = { code: error.code };
    if (error.status !== undefined) out.status = error.status;
    if (error.pingoneErrorId) out.pingoneErrorId = error.pingoneErrorId;
    if (error.description) out.description = error.description;
    const detail = error.details.find((d) => d.code)?.code;
    if (detail) out.detail = detail;
    return out;
  }
  return { code: 'FAILED', description: error instanceof Error ? error.name : 'failed' };
}

function errorSection(error: TraceError, details?: unknown): TraceSection {
  const fields: Array<[string, string]> = [['code', error.code]];
  if (error.status !== undefined) fields.unshift(['HTTP status', String(error.status)]);
  if (error.detail) fields.push(['detail', error.detail]);
  if (error.pingoneErrorId) fields.push(['PingOne error id', error.pingoneErrorId]);
  if (error.description) fields.push(['message', error.description]);
  const section: TraceSection = { title: 'PingOne’s error', fields };
  if (details !== undefined) section.json = details;
  return section;
}

function answerLabel(http: Http | undefined, error: TraceError | undefined, ok: string): string {
  if (error) return `${error.status ?? 'no answer'} ${error.detail ?? error.code}`;
  return `${http?.status ?? ''} ${ok}`.trim();
}

function path(url: string): string {
  try {
    const parts = new URL(url).pathname.split('/');
    // "/{envId}/as/authorize" → "…/as/authorize": the environment id is in the full URL below.
    return `…/${parts.slice(2).join('/')}`;
  } catch {
    return url;
  }
}

function cookieField(names: readonly string[], verb: string): [string, string] {
  return [
    'Cookie',
    names.length ? `${names.join(', ')} (${verb}; values kept on the server, not shown)` : '(none)',
  ];
}

/** The parts of a flow object worth reading, with its ids shortened and any code elided. */
export function flowSummary(flow: PingOneFlow): Record<string, unknown> {
  const out: Record<string, unknown> = { id: shorten(flow.id), status: flow.status };
  if (typeof flow.expiresAt === 'string') out.expiresAt = flow.expiresAt;
  if (typeof flow.resumeUrl === 'string') {
    out.resumeUrl = flow.resumeUrl.split(flow.id).join(shorten(flow.id));
  }
  if (flow._links) out._links = Object.keys(flow._links);
  const user = flow._embedded?.user;
  if (user) {
    out._embedded = {
      user: {
        ...(user.id ? { id: user.id } : {}),
        ...(user.username ? { username: user.username } : {}),
      },
    };
  }
  if (flow.authorizeResponse) {
    out.authorizeResponse = {
      code: elided(flow.authorizeResponse.code),
      ...(flow.authorizeResponse.state ? { state: shorten(flow.authorizeResponse.state) } : {}),
    };
  }
  return out;
}

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
  now: Date;
}

/** What PingOne texted: its text in embedded mode (code masked), only where it went otherwise. */
export function smsStep(f: SmsFacts): StepDraft {
  const to = f.maskedPhone ?? 'the user’s SMS device';
  const sections: TraceSection[] = [];
  if (f.text !== undefined) {
    sections.push({
      title: 'The SMS (from the emulator’s outbox, code masked)',
      fields: [
        ['to', to],
        ['text', f.text],
      ],
      note: 'The transaction template’s ${sum}, ${currency} and ${recipient} come from the request JWT’s pi.template; ${OTP} is the code.',
    });
  } else {
    sections.push({
      title: 'The SMS',
      fields: [['to', to]],
      note:
        f.mode === 'embedded'
          ? `The emulator’s outbox could not be read (${f.unreadable ?? 'no message'}).`
          : 'PingOne fills the transaction template with pi.template’s variables and the code, and texts it. The relying party never sees the message or the code.',
    });
  }
  return {
    kind: 'sms',
    from: 'pingone',
    to: 'you',
    title: 'SMS with the transfer and the code',
    request: `SMS to ${to}`,
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

export interface TokenResponseSummary {
  status: number;
  fields: Array<[string, string]>;
  idToken?: ReturnType<typeof decodeJwtForDisplay>;
  accessToken?: ReturnType<typeof decodeJwtForDisplay>;
  error?: { error?: string; error_description?: string; id?: string };
}

/** The token endpoint's JSON, reduced to what is safe: field names, lifetimes, decoded claims. */
export function summarizeTokenResponse(status: number, body: unknown): TokenResponseSummary {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const out: TokenResponseSummary = { status, fields: [] };
  if (status >= 400) {
    out.error = {};
    if (typeof b.error === 'string') out.error.error = b.error;
    if (typeof b.error_description === 'string') out.error.error_description = b.error_description;
    if (typeof b.id === 'string') out.error.id = b.id;
    return out;
  }
  for (const name of ['token_type', 'expires_in', 'scope']) {
    if (b[name] !== undefined) out.fields.push([name, String(b[name])]);
  }
  const access = typeof b.access_token === 'string' ? b.access_token : undefined;
  const id = typeof b.id_token === 'string' ? b.id_token : undefined;
  out.accessToken = decodeJwtForDisplay(access);
  out.idToken = decodeJwtForDisplay(id);
  if (access) {
    out.fields.push([
      'access_token',
      out.accessToken ? 'a JWT (claims below; the token is not shown)' : elided(access, 'opaque'),
    ]);
  }
  if (id) out.fields.push(['id_token', 'a JWT (claims below; the token is not shown)']);
  if (typeof b.refresh_token === 'string')
    out.fields.push(['refresh_token', elided(b.refresh_token)]);
  return out;
}

export interface SideCall {
  method: string;
  url: string;
  status?: number;
  durationMs: number;
}

export interface TokenFacts {
  url: string;
  clientId: string;
  redirectUri: string;
  http?: Http;
  response?: TokenResponseSummary;
  sideCalls: SideCall[];
  error?: unknown;
  now: Date;
}

/** Step 19: the code for tokens, client_secret_basic + PKCE. */
export function tokenStep(f: TokenFacts): StepDraft {
  const error = f.error === undefined ? undefined : traceError(f.error);
  const sections: TraceSection[] = [
    {
      title: 'Request',
      fields: [
        ['Authorization', `Basic (${f.clientId}:•••• — the client secret, not shown)`],
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['grant_type', 'authorization_code'],
        ['code', '(the one-time code from resume, not shown)'],
        ['redirect_uri', f.redirectUri],
        ['code_verifier', '(the PKCE verifier kept since authorize, not shown)'],
      ],
    },
  ];
  const r = f.response;
  if (r && !r.error) {
    sections.push({ title: 'Response', fields: r.fields });
    if (r.idToken) {
      sections.push({ title: 'ID token: header', json: r.idToken.header });
      sections.push({
        title: 'ID token: claims',
        json: r.idToken.claims,
        note: `acr names the sign-on policy that ran, amr the methods (otp). Signature ${r.idToken.signature}.`,
      });
    }
    if (r.accessToken) {
      sections.push({
        title: 'Access token: claims',
        json: r.accessToken.claims,
        note: 'For APIs, not for this approval: the relying party’s evidence is the ID token.',
      });
    }
  }
  if (r?.error) sections.push({ title: 'Response: OAuth error', json: r.error });
  if (error) sections.push(errorSection(error));
  if (f.sideCalls.length) {
    sections.push({
      title: 'Also fetched for the ID token checks (cached after the first approval)',
      fields: f.sideCalls.map((c) => [
        `${c.method} ${path(c.url)}`,
        `${c.status ?? 'no answer'} · ${c.durationMs} ms`,
      ]),
    });
  }
  const draft: StepDraft = {
    kind: 'token',
    from: 'rp',
    to: 'pingone',
    title: 'token',
    request: `POST ${path(f.url)}`,
    response: answerLabel(f.http, error, 'tokens'),
    ok: !error,
    at: f.now.toISOString(),
    summary: error
      ? `No tokens: ${error.code}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`
      : 'The authorization code became an ID token and an access token.',
    sections,
    doc: DOCS.token,
  };
  if (f.http) draft.http = { ...f.http, url: f.url };
  if (error) draft.error = error;
  return draft;
}

export interface Check {
  name: string;
  /** true passed, false failed, undefined not checked (not present, or not reached). */
  ok: boolean | undefined;
  detail: string;
}

/** Our own checks before anything is recorded. */
export function checksStep(checks: Check[], verdict: string, ok: boolean, now: Date): StepDraft {
  const mark = (c: Check) => (c.ok === undefined ? '–' : c.ok ? '✓' : '✕');
  const failed = checks.filter((c) => c.ok === false).map((c) => c.name);
  return {
    kind: 'checks',
    from: 'rp',
    to: 'rp',
    title: 'Our checks',
    request: 'verify',
    ok,
    at: now.toISOString(),
    summary: ok
      ? 'All checks passed: the ID token is evidence for this transfer.'
      : failed.length
        ? `Failed: ${failed.join(', ')}. ${verdict}`
        : verdict,
    sections: [
      {
        title: 'Checks',
        fields: checks.map((c) => [`${mark(c)} ${c.name}`, c.detail]),
        note: verdict,
      },
    ],
    doc: DOCS.workflow,
  };
}

export interface ResultFacts {
  outcome: string;
  request: string;
  reason?: string;
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

/** Us → browser: where the story ends (the result page). */
export function resultStep(f: ResultFacts): StepDraft {
  const fields: Array<[string, string]> = [
    ['outcome', f.outcome],
    ['answering', f.request],
  ];
  if (f.approvalId) fields.push(['approval id', f.approvalId]);
  if (f.reason) fields.push(['reason', f.reason]);
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
