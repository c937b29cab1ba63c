import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { CallEvent } from './pingone/call-events.js';

export type { Logger } from 'pino';

/** The app never logs bodies, but a careless `logger.info({ flow })` must still not leak. */
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

const SECRET_HOLDERS = ['flow', 'session', 'tokens', 'settings', 'pingone', 'req', 'res'];

/**
 * `code` and `state` only at the top: one level down they are PingOne's. Few wildcards: they cost
 * more on every line, as pino documents (docs/performance.md measures it).
 */
const REDACT_PATHS = [
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

/** A flow id with the flow's cookies continues the flow: it is not for log readers. */
function maskUrl(url: string): string {
  return url.replace(ENVIRONMENT_ID, '$1/{env}').replace(FLOW_ID, '/flows/{flowId}');
}

/** Never an error's request or response bodies. */
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

/** Shorter values would match parts of ordinary numbers and words. */
const MIN_SECRET_LENGTH = 6;

/** Scrubbed from every line as text: redaction by path cannot see a secret inside a message. */
class SecretValues {
  /** A list per holder: one request letting go leaves the same value held by another. */
  private readonly held = new Set<string[]>();

  /** A value reaches a line as written, escaped inside a JSON string, or encoded in a URL. */
  hold(values: Iterable<string | undefined>): () => void {
    const spellings = [...values].flatMap((v) =>
      typeof v === 'string' && v.length >= MIN_SECRET_LENGTH
        ? [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]
        : [],
    );
    this.held.add(spellings);
    return () => void this.held.delete(spellings);
  }

  /** Longest first (a secret may contain another); nothing is collected until one is found. */
  scrub(line: string): string {
    let found: string[] | undefined;
    for (const list of this.held)
      for (const s of list) if (line.includes(s)) (found ??= []).push(s);
    if (!found) return line;
    let out = line;
    for (const value of found.sort((a, b) => b.length - a.length)) {
      out = out.replaceAll(value, '[redacted]');
    }
    return out;
  }
}

const secretsByLogger = new WeakMap<object, SecretValues>();

/** Undefined for a logger not made by createLogger. */
export function secretsOf(logger: Logger): SecretValues | undefined {
  return secretsByLogger.get(logger);
}

/** Synchronous: nothing lost at `process.exit`. A production install has no devDependencies. */
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

export function createLogger(
  options: { level?: string; destination?: DestinationStream; format?: 'json' | 'pretty' } = {},
): Logger {
  const secrets = new SecretValues();
  const pretty = options.format === 'pretty' ? prettyStream(options.destination) : undefined;
  const logger = pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: errorSerializer, error: errorSerializer },
      hooks: { streamWrite: (line: string) => secrets.scrub(line) },
      base: undefined,
    },
    pretty ?? options.destination,
  );
  secretsByLogger.set(logger, secrets);
  if (options.format === 'pretty' && !pretty) {
    logger.info('pino-pretty is not installed (a production install): logging JSON');
  }
  return logger;
}

/** One line per attempt, with the `X-Ping-External-Transaction-ID` PingOne support asks for. */
export function logPingOneCall(logger: Logger): (report: CallEvent) => void {
  return (report) => {
    const level = report.status === undefined || report.status >= 400 ? 'warn' : 'info';
    // Four calls per approval: build no line that the level would drop.
    if (!logger.isLevelEnabled(level)) return;
    const { requestId, client: _client, ...rest } = report;
    const reqId = requestId && { reqId: requestId };
    logger[level](
      { ...reqId, event: 'pingone.call', ...rest, url: maskUrl(rest.url) },
      'pingone call',
    );
  };
}
