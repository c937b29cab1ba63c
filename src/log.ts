import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { CallEvent } from './pingone/call-events.js';

export type { Logger } from 'pino';

/**
 * Fields whose values are replaced with "[redacted]", at the top of a line and below the app's
 * own objects.
 * The app never logs bodies, but a careless `logger.info({ flow })` must still not leak a
 * secret, an OTP, a PingOne cookie or a token.
 */
const SECRET_FIELDS = [
  'otp',
  'cookie',
  'cookies',
  'authorization',
  'password',
  'clientSecret',
  'client_secret',
  'secret',
  'code_verifier',
  'codeVerifier',
  'nonce',
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
];

/** The objects of this app that hold such fields: the flow state, its session, tokens, settings. */
const SECRET_HOLDERS = ['flow', 'session', 'tokens', 'settings', 'pingone', 'req', 'res'];

/**
 * pino's `redact` paths. `code` and `state` only at the top (an authorization code, OAuth's
 * state): one level down they are PingOne's (an error's code, a flow's state). Below a holder
 * the paths are spelled out, and only HTTP's shapes are wildcards (under any name), because
 * pino's documentation notes that wildcard paths cost more than explicit ones on every line
 * (docs/performance.md measures it).
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  'code',
  'state',
  'sessionSecret',
  ...SECRET_HOLDERS.flatMap((holder) => SECRET_FIELDS.map((field) => `${holder}.${field}`)),
  '*.cookies',
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
  /** Each value's spellings (raw, JSON-escaped, URL-encoded). */
  private readonly fixed = new Map<string, string[]>();
  /** One entry per request holding values, released when it ends. */
  private readonly live = new Set<string[]>();

  add(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET_LENGTH) this.fixed.set(value, spellingsOf(value));
  }

  hold(values: Iterable<string | undefined>): () => void {
    const spellings = [...values].flatMap((v) =>
      typeof v === 'string' && v.length >= MIN_SECRET_LENGTH ? spellingsOf(v) : [],
    );
    this.live.add(spellings);
    return () => void this.live.delete(spellings);
  }

  /**
   * The line with every spelling found replaced, longest first (a secret may contain another).
   * Nothing is collected unless one is found: most lines hold none.
   */
  scrub(line: string): string {
    let found: string[] | undefined;
    for (const spellings of [this.fixed.values(), this.live.values()]) {
      for (const list of spellings) {
        for (const s of list) if (line.includes(s)) (found ??= []).push(s);
      }
    }
    if (!found) return line;
    let out = line;
    for (const value of found.sort((a, b) => b.length - a.length)) {
      out = out.replaceAll(value, '[redacted]');
    }
    return out;
  }
}

function spellingsOf(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

const secretsByLogger = new WeakMap<object, SecretValues>();

/** The secret values a logger made by createLogger scrubs; undefined for any other logger. */
export function secretsOf(logger: Logger): SecretValues | undefined {
  return secretsByLogger.get(logger);
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (tests pass a stream that captures them); stdout by default. */
  destination?: DestinationStream;
  /** Default `json`. `pretty` needs pino-pretty (a devDependency): without it, JSON. */
  format?: 'json' | 'pretty';
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
 * The app's logger: JSON lines (or pino-pretty in development), secret fields redacted by pino's
 * `redact` paths, secret values scrubbed from the written line (`hooks.streamWrite`, with the
 * values createApp tells SecretValues), bodies never serialized.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = new SecretValues();
  const config = {
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    serializers: { err: errorSerializer, error: errorSerializer },
    hooks: { streamWrite: (line: string) => secrets.scrub(line) },
    base: undefined,
  };
  const pretty = options.format === 'pretty' ? prettyStream(options.destination) : undefined;
  const logger = pino(config, pretty ?? options.destination);
  secretsByLogger.set(logger, secrets);
  if (options.format === 'pretty' && !pretty) {
    logger.info('pino-pretty is not installed (a production install): logging JSON');
  }
  return logger;
}

/**
 * A `pingone.call` subscriber: one line per attempt with the step, status, duration, PingOne's
 * error `id` and the `X-Ping-External-Transaction-ID` sent, which PingOne support asks for.
 * Failed attempts are warnings.
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
