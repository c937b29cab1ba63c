import type { Settled, TokenChecked } from '../approval/approval-events.js';
import { AUTH_TIME_SKEW_SECONDS } from '../approval/freshness.js';
import type { CallEvent } from '../pingone/call-events.js';
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

export function tokenStep(f: Facts & { sideCalls: CallEvent[] }): StepDraft {
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

interface Check {
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

const BY_OPENID_CLIENT: Array<[string, (e: TokenChecked) => string]> = [
  ['signature', () => 'verified against PingOne’s JWKS (openid-client, non-repudiation checks on)'],
  ['iss', (e) => `${e.claims?.iss ?? '—'} (expected ${e.expected.iss})`],
  [
    'aud',
    (e) => `${[e.claims?.aud ?? '—'].flat().join(', ')} (expected our client_id ${e.expected.aud})`,
  ],
  ['exp', () => 'not yet expired (openid-client, with its clock tolerance)'],
  ['nonce', () => 'equal to the one sent at authorize (neither is shown)'],
];

// The verdict is the approval core's, never recomputed here: each line only explains it.
export function describeChecks(
  e: TokenChecked,
  before: { transferHash?: string; stateEchoed?: boolean },
): { checks: Check[]; verdict: string; ok: boolean } {
  const checks: Check[] = [
    {
      name: 'transfer hash',
      ok: true,
      detail: `SHA-256 ${shorten(before.transferHash, 10, 6)}: the transfer on the page is the one this flow was started for`,
    },
    {
      name: 'state',
      ok: e.failedCheck === 'state' ? false : before.stateEchoed ? true : undefined,
      detail:
        e.failedCheck === 'state'
          ? 'the authorization response carried another state: it belongs to another flow'
          : before.stateEchoed
            ? 'echoed and equal to ours (not shown)'
            : 'not echoed by PingOne (allowed); the code came back on our own server-to-server call',
    },
  ];
  const ran = (check: 'openid-client' | 'sub' | 'acr' | 'auth_time') => {
    const order = ['state', 'openid-client', 'sub', 'acr', 'auth_time'];
    const failedAt = e.failedCheck ? order.indexOf(e.failedCheck) : order.length;
    const at = order.indexOf(check);
    return at < failedAt ? true : at === failedAt ? false : undefined;
  };
  const library = ran('openid-client');
  for (const [name, detail] of BY_OPENID_CLIENT) {
    checks.push({
      name,
      ok: library === false ? undefined : library,
      detail:
        library === undefined
          ? 'not reached'
          : library
            ? detail(e)
            : 'one of openid-client’s checks refused the token (the verdict says which)',
    });
  }
  const c = e.claims;
  const sub = e.expected.sub
    ? `${c?.sub ?? '(missing)'} (expected the flow’s user ${e.expected.sub})`
    : `${c?.sub ?? '(missing)'}: preferred_username ${c?.preferred_username ?? '(none)'} (expected ${e.expected.username})`;
  const authTime =
    c?.auth_time === undefined ? '(missing)' : new Date(c.auth_time * 1000).toISOString();
  const ours: Array<[name: 'sub' | 'acr' | 'auth_time', detail: string]> = [
    ['sub', sub],
    ['acr', `${c?.acr ?? '(none)'} (expected the SMS sign-on policy ${e.expected.acr})`],
    [
      'auth_time',
      `${authTime} (expected an authentication for this flow: not before its start, ${e.expected.notBefore}, less ${AUTH_TIME_SKEW_SECONDS} s)`,
    ],
  ];
  for (const [name, detail] of ours) {
    const ok = ran(name);
    checks.push({ name, ok, detail: ok === undefined ? 'not reached' : detail });
  }
  const accepted = e.verdict === 'accepted';
  const verdict = accepted
    ? 'The ID token is evidence for this transfer: the approval is recorded, once per transfer.'
    : e.failedCheck === 'state'
      ? 'Refused: the answer did not belong to this approval.'
      : e.failedCheck === 'openid-client'
        ? `Refused by openid-client: ${e.reason ?? ''}`
        : `Refused: ${e.reason ?? ''}`;
  return { checks, verdict, ok: accepted };
}

const OUTCOME_TEXT: Record<string, string> = {
  approved: 'Approved and recorded once.',
  'already-approved': 'Already approved earlier; nothing recorded twice.',
  declined: 'Cancelled: nothing approved.',
  locked: 'Too many wrong codes: PingOne locked the flow.',
  expired: 'The flow expired at PingOne.',
  failed: 'Not approved.',
};

export function resultStep(
  f: Settled,
  request: string,
  approvalId: string | undefined,
  now: Date,
): StepDraft {
  const fields: Array<[string, string]> = [
    ['outcome', f.outcome],
    ['reason', f.reason],
    ['answering', request],
  ];
  if (approvalId) fields.push(['approval id', approvalId]);
  if (f.pingoneErrorId) fields.push(['PingOne error id', f.pingoneErrorId]);
  const ok = f.outcome === 'approved' || f.outcome === 'already-approved';
  return {
    kind: 'result',
    from: 'rp',
    to: 'you',
    title: ok ? 'Approved' : 'Not approved',
    request: '303 /approvals/result',
    ok,
    at: now.toISOString(),
    summary: `${OUTCOME_TEXT[f.outcome] ?? f.outcome}${f.pingoneErrorId ? ` PingOne error id ${f.pingoneErrorId}.` : ''}`,
    sections: [{ title: 'Outcome', fields }],
  };
}
