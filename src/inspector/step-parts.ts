import type { PingOneFailure } from '../approval/approval-events.js';
import type { CallEvent } from '../pingone/call-events.js';
import type { TraceError, TraceSection, TraceStep } from './trace.js';

/** What the step builders share. Each takes event metadata only: there is nothing to hide. */

export type StepDraft = Omit<TraceStep, 'n'>;
export type Http = NonNullable<TraceStep['http']>;

/** A per-flow handle's first and last characters: enough to match it across steps. */
export function shorten(value: string | undefined, head = 6, tail = 4): string {
  if (value === undefined || value === '') return '—';
  return value.length <= head + tail + 1 ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}

/**
 * HTTP facts from a call's `pingone.call` events (the last attempt wins; retries are counted).
 * A flow id with its cookies continues the flow: the URL shows where it goes, not which one.
 */
export function httpFacts(reports: readonly CallEvent[]): Http | undefined {
  const last = reports.at(-1);
  if (!last) return undefined;
  const http: Http = {
    method: last.method,
    url: last.url.replace(/\/flows\/[^/]+/, '/flows/{flowId}'),
    durationMs: reports.reduce((s, r) => s + r.durationMs, 0),
  };
  if (last.status !== undefined) http.status = last.status;
  if (reports.length > 1) http.attempts = reports.length;
  return http;
}

/** What PingOne said when a call failed. */
export function traceError(failure: PingOneFailure): TraceError {
  const { code, status, detail, pingoneErrorId } = failure;
  return {
    code,
    ...(status !== undefined && { status }),
    ...(detail && { detail }),
    ...(pingoneErrorId && { pingoneErrorId }),
  };
}

export function errorSection(failure: PingOneFailure): TraceSection {
  const error = traceError(failure);
  const fields: Array<[string, string]> = [['code', error.code]];
  if (error.status !== undefined) fields.unshift(['HTTP status', String(error.status)]);
  if (error.detail) fields.push(['detail', error.detail]);
  if (error.pingoneErrorId) fields.push(['PingOne error id', error.pingoneErrorId]);
  const section: TraceSection = { title: 'PingOne’s error', fields };
  if (failure.details) section.json = failure.details;
  return section;
}

/** "400 INVALID_OTP", "200 COMPLETED": the return arrow's label. */
export function answerLabel(http: Http | undefined, error: TraceError | undefined, ok: string) {
  if (error) return `${error.status ?? 'no answer'} ${error.detail ?? error.code}`;
  return `${http?.status ?? ''} ${ok}`.trim();
}

/** A failure in one clause: "INVALID_REQUEST (error id e4…)". */
export function failureText(error: TraceError): string {
  return `${error.code}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`;
}

/** "/{envId}/as/authorize" → "…/as/authorize": the environment id is in the full URL. */
export function path(url: string): string {
  try {
    return `…/${new URL(url).pathname.split('/').slice(2).join('/')}`;
  } catch {
    return url;
  }
}

/** The fields every PingOne step shares: the call, its answer, the error and the page. */
export function pingoneStep(
  draft: Omit<StepDraft, 'from' | 'to' | 'ok' | 'at'>,
  http: Http | undefined,
  error: TraceError | undefined,
  now: Date,
): StepDraft {
  return {
    from: 'rp',
    to: 'pingone',
    ok: !error,
    at: now.toISOString(),
    ...draft,
    ...(http && { http }),
    ...(error && { error }),
  };
}
