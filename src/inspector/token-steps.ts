import { DOCS } from './doc-links.js';
import { decodeJwtForDisplay, elided } from './redact.js';
import {
  answerLabel,
  errorSection,
  path,
  traceError,
  type Http,
  type StepDraft,
} from './step-parts.js';
import type { TraceSection } from './trace.js';

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
