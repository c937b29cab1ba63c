import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" in every line. The app never logs bodies, but a
 * careless `logger.info({ flow })` must still not leak a secret, an OTP, a PingOne cookie or a
 * token, so the names are redacted wherever they appear two levels deep.
 */
export const REDACT_PATHS = [
  'otp',
  'cookie',
  'cookies',
  'authorization',
  'password',
  'clientSecret',
  'client_secret',
  'sessionSecret',
  'secret',
  'code',
  'code_verifier',
  'codeVerifier',
  'nonce',
  'state',
  'request',
  'login_hint_token',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'body',
  'headers',
  '*.otp',
  '*.cookie',
  '*.cookies',
  '*.authorization',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.code_verifier',
  '*.codeVerifier',
  '*.nonce',
  '*.request',
  '*.login_hint_token',
  '*.access_token',
  '*.id_token',
  '*.refresh_token',
  '*.token',
  '*.body',
  '*.headers',
  '*["set-cookie"]',
];

/** Removes the query string: authorize URLs carry the request JWT, callbacks carry the code. */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

/** An Error's name, message and code, never its request or response bodies. */
function errorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { type: err.name, message: err.message };
  const extra = err as Error & { code?: unknown; status?: unknown; step?: unknown };
  if (typeof extra.code === 'string') out.code = extra.code;
  if (typeof extra.status === 'number') out.status = extra.status;
  if (typeof extra.step === 'string') out.step = extra.step;
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (tests pass a stream that captures them); stdout by default. */
  destination?: DestinationStream;
}

/** The app's logger: JSON lines, secrets redacted, bodies never serialized. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: errorSerializer, error: errorSerializer },
    base: undefined,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
