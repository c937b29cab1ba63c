/**
 * The one error type for every failed PingOne call, management or auth host.
 *
 * It keeps what PingOne said (status, `code`, `details`, the error `id` support asks for, or the
 * OAuth `error`/`error_description` pair of the token endpoint) and never the request: no
 * header, body, token, cookie or secret ends up in it.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 */

/** One entry of PingOne's `details` array. */
export interface PingOneErrorDetail {
  code?: string;
  target?: string;
  message?: string;
  innerError?: Record<string, unknown>;
}

/**
 * Our own codes for failures PingOne did not describe. PingOne's codes (`INVALID_DATA`,
 * `NOT_FOUND`, `REQUEST_LIMITED`, …) and OAuth's (`invalid_client`, …) are kept as sent.
 */
export const LOCAL_ERROR_CODES = {
  timeout: 'TIMEOUT',
  /** Connection refused, reset, DNS failure, TLS failure. */
  network: 'NETWORK_ERROR',
  /** An error status whose body is not PingOne's error shape (a proxy page, an empty body). */
  http: 'HTTP_ERROR',
  /** A success status whose body is not what the caller needs (not JSON, a field missing). */
  unexpectedResponse: 'UNEXPECTED_RESPONSE',
} as const;

export interface PingOneErrorInit {
  /** What we were doing, in words (`create application`), for the message and the logs. */
  step: string;
  method: string;
  /** The URL without its query (queries may carry tokens). */
  url: string;
  /** Absent for timeouts and network errors. */
  status?: number | undefined;
  code: string;
  /** PingOne's `message` or OAuth's `error_description`, or our own description. */
  description?: string | undefined;
  details?: PingOneErrorDetail[];
  /** PingOne's error `id`: quote it to Ping support. */
  pingoneErrorId?: string | undefined;
  /** Retries included. */
  attempts?: number;
  /** `Retry-After` of the last answer, in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/** The fields of a PingOneError that `toJSON` gives out: nothing secret. */
const JSON_FIELDS = [
  'name',
  'step',
  'method',
  'url',
  'status',
  'code',
  'description',
  'details',
  'pingoneErrorId',
  'attempts',
] as const;

export class PingOneError extends Error {
  readonly step: string;
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly code: string;
  readonly description: string | undefined;
  readonly details: PingOneErrorDetail[];
  readonly pingoneErrorId: string | undefined;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(init: PingOneErrorInit) {
    const what = init.status === undefined ? init.code : `${init.status} ${init.code}`;
    const why = init.description ? ` - ${init.description}` : '';
    const id = init.pingoneErrorId ? ` (PingOne error id ${init.pingoneErrorId})` : '';
    const message = `${init.step}: ${init.method} ${init.url} failed: ${what}${why}${id}`;
    super(message, init.cause ? { cause: init.cause } : undefined);
    this.name = 'PingOneError';
    this.step = init.step;
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.code = init.code;
    this.description = init.description;
    this.details = init.details ?? [];
    this.pingoneErrorId = init.pingoneErrorId;
    this.attempts = init.attempts ?? 1;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** True when `details` holds an entry with this code (`INVALID_OTP`, `UNIQUENESS_VIOLATION`…). */
  hasDetail(code: string): boolean {
    return this.details.some((d) => d.code === code);
  }

  /** Timeouts, network errors, 429 and 5xx: the request may work later. */
  get transient(): boolean {
    if (this.status === undefined) {
      return this.code === LOCAL_ERROR_CODES.timeout || this.code === LOCAL_ERROR_CODES.network;
    }
    return this.status === 429 || this.status >= 500;
  }

  /** For JSON logs and `--json` output. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(JSON_FIELDS.map((field) => [field, this[field]]));
  }
}

export function isPingOneError(error: unknown): error is PingOneError {
  return error instanceof PingOneError;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

function asDetails(value: unknown): PingOneErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null)
    .map((d) => {
      const detail: PingOneErrorDetail = {};
      for (const key of ['code', 'target', 'message'] as const) {
        const value = text(d[key]);
        if (value) detail[key] = value;
      }
      if (typeof d.innerError === 'object' && d.innerError !== null) {
        detail.innerError = d.innerError as Record<string, unknown>;
      }
      return detail;
    });
}

/**
 * Reads an error body: PingOne's `{id, code, message, details}` or OAuth's
 * `{error, error_description}`; anything else gives `HTTP_ERROR`.
 */
export function parseErrorBody(
  body: unknown,
): Pick<PingOneErrorInit, 'code' | 'description' | 'details' | 'pingoneErrorId'> {
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const pingone = text(b.code);
  const code = pingone ?? text(b.error);
  if (!code) return { code: LOCAL_ERROR_CODES.http, details: [] };
  return {
    code,
    details: pingone ? asDetails(b.details) : [],
    description: text(pingone ? b.message : b.error_description),
    pingoneErrorId: text(b.id),
  };
}
