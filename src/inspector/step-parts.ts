import type { PingOneFlow } from '../pingone/flow.js';
import type { CallEvent } from '../pingone/call-events.js';
import { isPingOneError } from '../pingone/http.js';
import { elided, shorten } from './redact.js';
import type { TraceError, TraceSection, TraceStep } from './trace.js';

/**
 * What the builders of trace steps share (steps.ts lists them). Each builder takes only what is
 * safe to show, or shows a value through shorten()/elided(); none of them copies a secret,
 * cookie value, code or raw token.
 */

export type StepDraft = Omit<TraceStep, 'n'>;
export type Http = NonNullable<TraceStep['http']>;

export const OTP_TYPE = 'application/vnd.pingidentity.otp.check+json';

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

export function errorSection(error: TraceError, details?: unknown): TraceSection {
  const fields: Array<[string, string]> = [['code', error.code]];
  if (error.status !== undefined) fields.unshift(['HTTP status', String(error.status)]);
  if (error.detail) fields.push(['detail', error.detail]);
  if (error.pingoneErrorId) fields.push(['PingOne error id', error.pingoneErrorId]);
  if (error.description) fields.push(['message', error.description]);
  const section: TraceSection = { title: 'PingOne’s error', fields };
  if (details !== undefined) section.json = details;
  return section;
}

export function answerLabel(
  http: Http | undefined,
  error: TraceError | undefined,
  ok: string,
): string {
  if (error) return `${error.status ?? 'no answer'} ${error.detail ?? error.code}`;
  return `${http?.status ?? ''} ${ok}`.trim();
}

export function path(url: string): string {
  try {
    const parts = new URL(url).pathname.split('/');
    // "/{envId}/as/authorize" → "…/as/authorize": the environment id is in the full URL below.
    return `…/${parts.slice(2).join('/')}`;
  } catch {
    return url;
  }
}

export function cookieField(names: readonly string[], verb: string): [string, string] {
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
