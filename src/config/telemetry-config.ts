import type { Settings } from './settings.js';

const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type MetricsConfig = NonNullable<ReturnType<typeof parseMetrics>>;
/** The standard `OTEL_*` settings this app reads (docs/operations.md, Traces). */
export type TracingConfig = NonNullable<ReturnType<typeof parseTracing>>;

export function parseMetrics(s: Settings, appPort: number) {
  if (s.str('METRICS_PORT') === undefined) return undefined;
  const port = s.number('METRICS_PORT');
  if (port !== 0 && port === appPort) {
    s.add('METRICS_PORT must not be PORT: metrics are served apart from the public pages');
  }
  return { port, host: s.str('METRICS_HOST') ?? '127.0.0.1' };
}

/**
 * The W3C-baggage-like `key=value,key=value` lists of OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES, values percent-decoded. The message never quotes the value: the
 * headers usually carry a backend's API key.
 */
function parseList(s: Settings, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (s.str(key) ?? '').split(',')) {
    if (!item.trim()) continue;
    const at = item.indexOf('=');
    const name = item.slice(0, at).trim();
    try {
      if (at < 1 || !name) throw new Error('no key');
      out[name] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      s.add(`${key} must be a list of key=value pairs separated by commas`);
      return {};
    }
  }
  return out;
}

/**
 * The standard OpenTelemetry settings, as the specification names them. Tracing is on when an
 * OTLP endpoint is set, unless OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none says otherwise.
 * Spans go out as OTLP/HTTP with JSON, which every OTLP/HTTP receiver accepts beside protobuf.
 */
export function parseTracing(s: Settings) {
  const tracesUrl = s.str('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const exporter = s.oneOf('OTEL_TRACES_EXPORTER', ['otlp', 'none'], 'otlp');
  const protocol =
    s.str('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? s.str('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'http/json' && protocol !== 'http/protobuf') {
    s.add(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/json or http/protobuf: this app exports over ` +
        `OTLP/HTTP (port 4318), not ${protocol}`,
    );
  }
  const sampler = s.oneOf('OTEL_TRACES_SAMPLER', TRACE_SAMPLERS, 'parentbased_always_on');
  const url = tracesUrl
    ? s.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
    : s.url('OTEL_EXPORTER_OTLP_ENDPOINT')?.concat('/v1/traces');
  const headers = {
    ...parseList(s, 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...parseList(s, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
  };
  const { 'service.name': named, ...resourceAttributes } = parseList(s, 'OTEL_RESOURCE_ATTRIBUTES');
  const timeoutMs = s.number(
    s.str('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') === undefined
      ? 'OTEL_EXPORTER_OTLP_TIMEOUT'
      : 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  );
  const ratio = s.str('OTEL_TRACES_SAMPLER_ARG');
  const samplerRatio = ratio === undefined ? 1 : Number(ratio);
  if (!(samplerRatio >= 0 && samplerRatio <= 1)) {
    s.add(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got "${ratio}")`);
  }
  const exportDelayMs = s.number('OTEL_BSP_SCHEDULE_DELAY');
  if (!url || /^true$/i.test(s.str('OTEL_SDK_DISABLED') ?? '') || exporter === 'none')
    return undefined;
  return {
    url,
    /** Often a backend's API key, so never logged. */
    headers,
    timeoutMs,
    serviceName: s.str('OTEL_SERVICE_NAME') ?? named ?? 'txapproval',
    resourceAttributes,
    sampler,
    samplerRatio,
    exportDelayMs,
  };
}
