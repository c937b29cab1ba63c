/**
 * Every failed PingOne call: what PingOne said (status, `code`, `details`, the error `id`
 * support asks for) and never the request: no header, body, token, cookie or secret.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#pingone-api-errors
 */

interface PingOneErrorDetail {
  code?: string;
  target?: string;
  message?: string;
  innerError?: Record<string, unknown>;
}

/** Our codes for failures PingOne did not describe; PingOne's and OAuth's are kept as sent. */
export const LOCAL_ERROR_CODES = {
  timeout: 'TIMEOUT',
  network: 'NETWORK_ERROR',
  /** An error status whose body is not PingOne's error shape (a proxy page, an empty body). */
  http: 'HTTP_ERROR',
  unexpectedResponse: 'UNEXPECTED_RESPONSE',
} as const;

type Optional =
  'status' | 'description' | 'details' | 'pingoneErrorId' | 'attempts' | 'retryAfterMs';
type PingOneErrorInit = Pick<PingOneError, 'step' | 'method' | 'url' | 'code'> &
  Partial<Pick<PingOneError, Optional>> & { cause?: unknown };

/** What `toJSON` gives out. */
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
  /** What we were doing, in words (`create application`). */
  readonly step!: string;
  readonly method!: string;
  /** Without its query (queries may carry tokens). */
  readonly url!: string;
  readonly status: number | undefined;
  readonly code!: string;
  readonly description: string | undefined;
  readonly details: PingOneErrorDetail[] = [];
  readonly pingoneErrorId: string | undefined;
  readonly attempts: number = 1;
  readonly retryAfterMs: number | undefined;

  constructor({ cause, ...init }: PingOneErrorInit) {
    const what = init.status === undefined ? init.code : `${init.status} ${init.code}`;
    const why = init.description ? ` - ${init.description}` : '';
    const id = init.pingoneErrorId ? ` (PingOne error id ${init.pingoneErrorId})` : '';
    super(
      `${init.step}: ${init.method} ${init.url} failed: ${what}${why}${id}`,
      cause ? { cause } : undefined,
    );
    this.name = 'PingOneError';
    Object.assign(this, init);
  }

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

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(JSON_FIELDS.map((field) => [field, this[field]]));
  }
}

/** A success status whose body is not what the caller needs. */
export function unexpectedResponse(
  { step, method, url }: Pick<PingOneError, 'step' | 'method' | 'url'>,
  status: number | undefined,
  description: string,
  cause?: unknown,
) {
  const code = LOCAL_ERROR_CODES.unexpectedResponse;
  return new PingOneError({ step, method, url, status, code, description, cause });
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

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
  const details = pingone && Array.isArray(b.details) ? b.details : [];
  return {
    code,
    details: details
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
      }),
    description: text(pingone ? b.message : b.error_description),
    pingoneErrorId: text(b.id),
  };
}
