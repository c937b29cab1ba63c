import type { PingOneFailure, SmsSent, TokenChecked } from '../approval/approval-events.js';
import type { CallEvent } from '../pingone/call-events.js';
import type { TraceError, TraceSection, TraceStep } from './trace.js';

export type StepDraft = Omit<TraceStep, 'n'>;
export type Http = NonNullable<TraceStep['http']>;

// What a PingOne step's row knows of its answer, as approval-steps.ts collects it.
export interface Facts {
  answer?: SmsSent;
  checked?: TokenChecked;
  flowStatus?: string;
  carriesResponse?: boolean;
  failure?: PingOneFailure;
  attemptsLeft?: number;
  call?: string;
  http?: Http;
  now: Date;
}

export function shorten(value: string | undefined, head = 6, tail = 4): string {
  if (value === undefined || value === '') return '—';
  return value.length <= head + tail + 1 ? value : `${value.slice(0, head)}…${value.slice(-tail)}`;
}

// The last attempt wins; retries are counted.
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

export function answerLabel(http: Http | undefined, error: TraceError | undefined, ok: string) {
  if (error) return `${error.status ?? 'no answer'} ${error.detail ?? error.code}`;
  return `${http?.status ?? ''} ${ok}`.trim();
}

export function failureText(error: TraceError): string {
  return `${error.code}${error.pingoneErrorId ? ` (error id ${error.pingoneErrorId})` : ''}`;
}

export function path(url: string): string {
  try {
    return `…/${new URL(url).pathname.split('/').slice(2).join('/')}`;
  } catch {
    return url;
  }
}

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
