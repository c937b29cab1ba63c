import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('METRICS_PORT, METRICS_HOST', () => {
  it('unset: no metrics listener', () => {
    expect(loadConfig({}).metrics).toBeUndefined();
  });

  it('set: on loopback unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics?.host).toBe(
      '0.0.0.0',
    );
  });

  it('never the public port, never a bad number', () => {
    expect(problems({ PORT: '8080', METRICS_PORT: '8080' })).toEqual([
      'METRICS_PORT must not be PORT: metrics are served apart from the public pages',
    ]);
    expect(problems({ METRICS_PORT: 'metrics' })).toEqual([
      'METRICS_PORT must be a port number 0-65535 (got "metrics")',
    ]);
  });
});

describe('OTEL_* settings', () => {
  it('no endpoint: no tracing at all', () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toBe(
      undefined,
    );
  });

  it('the base endpoint gets /v1/traces; the traces endpoint is used as it is', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: {},
      timeoutMs: 10_000,
      serviceName: 'txapproval',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      exportDelayMs: 5_000,
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/v1/traces',
      }).tracing?.url,
    ).toBe('https://traces.example/otlp/v1/traces');
  });

  it('reads the standard settings', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D,x-team=bank',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=payments',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from-attributes',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    }).tracing;
    expect(tracing).toMatchObject({
      headers: { 'x-api-key': 'abc==', 'x-team': 'payments' },
      timeoutMs: 2000,
      serviceName: 'from-attributes',
      resourceAttributes: { 'deployment.environment': 'prod' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      exportDelayMs: 100,
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'rp-eu' })
        .tracing?.serviceName,
    ).toBe('rp-eu');
  });

  it('OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none turn it off', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
  });

  it('lists every bad value at once, never quoting a header value', () => {
    const found = problems({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'secret-api-key-without-a-name',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '2',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(found).toHaveLength(6);
    expect(found.join('\n')).not.toContain('secret-api-key');
    expect(found).toContain(
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/json or http/protobuf: this app exports over OTLP/HTTP (port 4318), not grpc',
    );
  });
});
