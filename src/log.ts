import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { CallReport } from './pingone/http.js';

export type { Logger } from 'pino';

/** `json`: one JSON object per line (production, log shippers); `pretty`: pino-pretty (development). */
export type LogFormat = 'json' | 'pretty';

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
  'requestJwt',
  'idToken',
  'accessToken',
  'refreshToken',
  'sessionID',
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
  '*.requestJwt',
  '*.idToken',
  '*.accessToken',
  '*.refreshToken',
  '*.sessionID',
  '*.body',
  '*.headers',
  '*["set-cookie"]',
];

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
  /** Default `json`. `pretty` needs pino-pretty (a devDependency): without it, JSON. */
  format?: LogFormat;
}

/**
 * pino-pretty as a synchronous stream (no worker thread, nothing lost at `process.exit`), or
 * undefined when it is not installed: a production install (`npm ci --omit=dev`, the Docker
 * image) has no devDependencies.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream | undefined {
  let pretty: (options: Record<string, unknown>) => DestinationStream;
  try {
    pretty = createRequire(import.meta.url)('pino-pretty') as typeof pretty;
  } catch {
    return undefined;
  }
  return pretty({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
    ...(destination ? { destination, colorize: false } : {}),
  });
}

/**
 * The app's logger: JSON lines (or pino-pretty in development), secrets redacted, bodies never
 * serialized. Lines written while serving a request carry its id (`reqId`): they are written
 * through `req.log` (src/http/request-id.ts), and PingOne call lines through the call's
 * `requestId`. No AsyncLocalStorage: on Node 20 it hooks every promise of the process, and
 * `npm run bench` measured that at ~10% of the app's CPU.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: errorSerializer, error: errorSerializer },
    base: undefined,
  };
  const pretty = options.format === 'pretty' ? prettyStream(options.destination) : undefined;
  const destination = pretty ?? options.destination;
  const logger = destination ? pino(config, destination) : pino(config);
  if (options.format === 'pretty' && !pretty) {
    logger.info('pino-pretty is not installed (a production install): logging JSON');
  }
  return logger;
}

/**
 * The `onCall` hook of the PingOne clients: one line per attempt with the step, status, duration,
 * PingOne's error `id` and the `X-Ping-External-Transaction-ID` sent, which is what PingOne
 * support asks for and what finds the call in PingOne's audit log. Failed attempts are warnings.
 */
export function logPingOneCall(logger: Logger): (report: CallReport) => void {
  return (report) => {
    const level = report.status === undefined || report.status >= 400 ? 'warn' : 'info';
    // Four calls per approval: build no line that the level would drop.
    if (!logger.isLevelEnabled(level)) return;
    const { requestId, ...rest } = report;
    const line = { ...(requestId ? { reqId: requestId } : {}), event: 'pingone.call', ...rest };
    logger[level](line, 'pingone call');
  };
}
