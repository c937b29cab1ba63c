import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { CallEvent } from './pingone/call-events.js';

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

const FLOW_ID = /\/flows\/[^/?#\s"]+/g;
const ENVIRONMENT_ID =
  /^(https?:\/\/[^/]+)\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/)/i;

/**
 * A PingOne URL as logs show it (docs/operations.md): `{env}` and `{flowId}` in place of the ids.
 * A flow id with the flow's cookies continues the flow: it is not for log readers.
 */
export function maskUrl(url: string): string {
  return url.replace(ENVIRONMENT_ID, '$1/{env}').replace(FLOW_ID, '/flows/{flowId}');
}

/** An Error's name, message and code, never its request or response bodies. */
function errorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  // PingOneError messages name the URL they failed at; the flow id goes, as in `url`.
  const out: Record<string, unknown> = {
    type: err.name,
    message: err.message.replace(FLOW_ID, '/flows/{flowId}'),
  };
  const extra = err as Error & { code?: unknown; status?: unknown; step?: unknown };
  if (typeof extra.code === 'string') out.code = extra.code;
  if (typeof extra.status === 'number') out.status = extra.status;
  if (typeof extra.step === 'string') out.step = extra.step;
  return out;
}

/** Shorter values are not scrubbed: they would match parts of ordinary numbers and words. */
const MIN_SECRET_LENGTH = 6;

/**
 * The secret values this process knows: the client, worker and session secrets for its whole
 * life, and the live ones (a submitted OTP, a flow's PingOne cookies) while a request holds
 * them. Every log line is scrubbed of them as text, whatever field or message carries them:
 * redaction by path cannot see a secret inside an upstream error's message.
 */
export class SecretValues {
  private readonly fixed = new Set<string>();
  private readonly live = new Map<string, number>();
  private values: string[] = [];
  // Rebuilt when a line is scrubbed, not on every add/hold/release: most requests log nothing.
  private stale = false;

  /** A value secret for the life of the process. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    this.fixed.add(value);
    this.stale = true;
  }

  /** Values secret until the returned release is called (once is enough; more are ignored). */
  hold(values: Iterable<string | undefined>): () => void {
    const held = [...values].filter(
      (v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH,
    );
    if (!held.length) return () => undefined;
    for (const v of held) this.live.set(v, (this.live.get(v) ?? 0) + 1);
    this.stale = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const v of held) {
        const n = (this.live.get(v) ?? 1) - 1;
        if (n > 0) this.live.set(v, n);
        else this.live.delete(v);
      }
      this.stale = true;
    };
  }

  /** `line` with every known value, raw or as JSON escapes it, replaced by [redacted]. */
  scrub(line: string): string {
    if (this.stale) this.rebuild();
    let out = line;
    for (const value of this.values)
      if (out.includes(value)) out = out.replaceAll(value, '[redacted]');
    return out;
  }

  private rebuild(): void {
    const all = new Set<string>();
    for (const v of [...this.fixed, ...this.live.keys()]) {
      all.add(v);
      all.add(JSON.stringify(v).slice(1, -1));
      all.add(encodeURIComponent(v));
    }
    // Longest first: a secret that contains another is replaced whole.
    this.values = [...all].sort((a, b) => b.length - a.length);
    this.stale = false;
  }
}

const secretsByLogger = new WeakMap<object, SecretValues>();

/** The secret values a logger made by createLogger scrubs; undefined for any other logger. */
export function secretsOf(logger: Logger): SecretValues | undefined {
  return secretsByLogger.get(logger);
}

/** A stream that scrubs each line before `destination` (stdout by default) gets it. */
function scrubbing(secrets: SecretValues, destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(secrets.scrub(line)) };
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
 * The app's logger: JSON lines (or pino-pretty in development), secrets redacted by path and
 * by value (SecretValues; createApp tells it the values), bodies never serialized. Lines written while serving a request carry its id (`reqId`): they are written
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
  const secrets = new SecretValues();
  // Asynchronous stdout: lines written while one write is in flight go out together, instead of
  // one blocking write(2) per line (`npm run bench`). pino flushes what is left at exit.
  const destination = scrubbing(
    secrets,
    pretty ?? options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  const logger = pino(config, destination);
  secretsByLogger.set(logger, secrets);
  if (options.format === 'pretty' && !pretty) {
    logger.info('pino-pretty is not installed (a production install): logging JSON');
  }
  return logger;
}

/**
 * A `pingone.call` subscriber (src/pingone/call-events.ts): one line per attempt with the step, status, duration,
 * PingOne's error `id` and the `X-Ping-External-Transaction-ID` sent, which is what PingOne
 * support asks for and what finds the call in PingOne's audit log. Failed attempts are warnings.
 */
export function logPingOneCall(logger: Logger): (report: CallEvent) => void {
  return (report) => {
    const level = report.status === undefined || report.status >= 400 ? 'warn' : 'info';
    // Four calls per approval: build no line that the level would drop.
    if (!logger.isLevelEnabled(level)) return;
    const { requestId, client: _client, ...rest } = report;
    const line = {
      ...(requestId ? { reqId: requestId } : {}),
      event: 'pingone.call',
      ...rest,
      url: maskUrl(report.url),
    };
    logger[level](line, 'pingone call');
  };
}
