import type { PingOneFailure, TokenChecked } from '../approval/approval-events.js';
import type { CallEvent } from '../pingone/call-events.js';
import { DOCS } from './doc-links.js';
import {
  answerLabel,
  errorSection,
  failureText,
  path,
  pingoneStep,
  traceError,
  type Http,
  type StepDraft,
} from './step-parts.js';
import type { TraceSection } from './trace.js';

export interface TokenFacts {
  checked?: TokenChecked;
  failure?: PingOneFailure;
  http?: Http;
  sideCalls: CallEvent[];
  now: Date;
}

export function tokenStep(f: TokenFacts): StepDraft {
  const error = f.failure && traceError(f.failure);
  const sections: TraceSection[] = [
    {
      title: 'Request',
      fields: [
        ['Authorization', 'Basic (client_id:client_secret; the secret is not shown)'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['grant_type', 'authorization_code'],
        ['code', '(the one-time code from step 18, not shown)'],
        ['redirect_uri', 'the same as at authorize'],
        ['code_verifier', '(the PKCE verifier kept since authorize, not shown)'],
      ],
    },
  ];
  const claims = f.checked?.claims;
  if (f.checked) {
    sections.push({
      title: 'Response',
      fields: [
        ['id_token', 'a JWT, validated by openid-client (claims below; the token is not shown)'],
        ['access_token', 'for APIs, not for this approval (not shown)'],
      ],
    });
  }
  if (claims) {
    sections.push({
      title: 'ID token: claims',
      json: claims,
      note: 'acr names the sign-on policy that ran, amr the methods (otp), auth_time when the person authenticated. These are the approval’s evidence.',
    });
  }
  if (f.failure) sections.push(errorSection(f.failure));
  if (f.sideCalls.length) {
    sections.push({
      title: 'Also fetched for the ID token checks (cached after the first approval)',
      fields: f.sideCalls.map((c) => [
        `${c.method} ${path(c.url)}`,
        `${c.status ?? 'no answer'} · ${c.durationMs} ms`,
      ]),
    });
  }
  return pingoneStep(
    {
      kind: 'token',
      workflowStep: 19,
      title: 'token',
      request: 'POST …/as/token',
      response: answerLabel(f.http, error, 'tokens'),
      summary: error
        ? `No tokens: ${failureText(error)}`
        : 'The authorization code became an ID token and an access token.',
      sections,
      doc: DOCS.token,
    },
    f.http,
    error,
    f.now,
  );
}

export interface Check {
  name: string;
  ok: boolean | undefined;
  detail: string;
}

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
