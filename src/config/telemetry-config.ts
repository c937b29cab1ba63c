import { TRACE_SAMPLERS, type Env, type MetricsConfig, type TracingConfig } from './app-config.js';
import type { Problems } from './config-error.js';
import { parseMs, parsePort, parseUrl, str } from './parse-setting.js';

/** `OTEL_SERVICE_NAME` when neither it nor `OTEL_RESOURCE_ATTRIBUTES` names the service. */
export const DEFAULT_SERVICE_NAME = 'txapproval';

/** `METRICS_PORT` (unset: no metrics listener) and `METRICS_HOST`. */
export function parseMetrics(p: Problems, env: Env, appPort: number): MetricsConfig | undefined {
  const value = str(env, 'METRICS_PORT');
  if (value === undefined) return undefined;
  const port = parsePort(p, 'METRICS_PORT', value, 0);
  if (port !== 0 && port === appPort) {
    p.add('METRICS_PORT must not be PORT: metrics are served apart from the public pages');
  }
  return { port, host: str(env, 'METRICS_HOST') ?? '127.0.0.1' };
}

/**
 * The W3C-baggage-like `key=value,key=value` lists of OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES, values percent-decoded. The message never quotes the value: the
 * headers usually carry a backend's API key.
 */
function parseList(p: Problems, key: string, value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (value ?? '').split(',')) {
    if (!item.trim()) continue;
    const at = item.indexOf('=');
    const name = item.slice(0, at).trim();
    try {
      if (at < 1 || !name) throw new Error('no key');
      out[name] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      p.add(`${key} must be a list of key=value pairs separated by commas`);
      return {};
    }
  }
  return out;
}

function parseRatio(p: Problems, value: string | undefined): number {
  if (value === undefined) return 1;
  const ratio = Number(value);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  p.add(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got "${value}")`);
  return 1;
}

/**
 * The standard OpenTelemetry settings, as the specification names them. Tracing is on when an
 * OTLP endpoint is set, unless OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none says otherwise.
 * Spans go out as OTLP/HTTP with JSON, which every OTLP/HTTP receiver accepts beside protobuf.
 */
export function parseTracing(p: Problems, env: Env): TracingConfig | undefined {
  const tracesUrl = str(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = str(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporter = str(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none') {
    p.add(`OTEL_TRACES_EXPORTER must be "otlp" or "none" (got "${exporter}")`);
  }
  const protocol =
    str(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? str(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'http/json' && protocol !== 'http/protobuf') {
    p.add(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/json or http/protobuf: this app exports over ` +
        `OTLP/HTTP (port 4318), not ${protocol}`,
    );
  }
  const sampler = str(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  if (!(TRACE_SAMPLERS as readonly string[]).includes(sampler)) {
    p.add(`OTEL_TRACES_SAMPLER must be one of ${TRACE_SAMPLERS.join(', ')} (got "${sampler}")`);
  }
  const url = tracesUrl
    ? parseUrl(p, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesUrl)
    : base && parseUrl(p, 'OTEL_EXPORTER_OTLP_ENDPOINT', base)?.concat('/v1/traces');
  const disabled = /^true$/i.test(str(env, 'OTEL_SDK_DISABLED') ?? '') || exporter === 'none';
  const headers = {
    ...parseList(p, 'OTEL_EXPORTER_OTLP_HEADERS', str(env, 'OTEL_EXPORTER_OTLP_HEADERS')),
    ...parseList(
      p,
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      str(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    ),
  };
  const { 'service.name': named, ...resourceAttributes } = parseList(
    p,
    'OTEL_RESOURCE_ATTRIBUTES',
    str(env, 'OTEL_RESOURCE_ATTRIBUTES'),
  );
  const timeoutMs =
    str(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') === undefined
      ? parseMs(p, env, 'OTEL_EXPORTER_OTLP_TIMEOUT')
      : parseMs(p, env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT');
  const samplerRatio = parseRatio(p, str(env, 'OTEL_TRACES_SAMPLER_ARG'));
  const exportDelayMs = parseMs(p, env, 'OTEL_BSP_SCHEDULE_DELAY');
  if (!url || disabled) return undefined;
  return {
    url,
    headers,
    timeoutMs,
    serviceName: str(env, 'OTEL_SERVICE_NAME') ?? named ?? DEFAULT_SERVICE_NAME,
    resourceAttributes,
    sampler: sampler as TracingConfig['sampler'],
    samplerRatio,
    exportDelayMs,
  };
}
