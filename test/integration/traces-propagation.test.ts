/**
 * What the one call path needs to carry a `traceparent` to PingOne: `propagation.inject` on the
 * active context, inside a request served by the traced listener, names that request's span
 * (made on demand, src/telemetry/request-trace.ts). In-process, over real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTelemetry, type Telemetry } from '../../src/telemetry/start-telemetry.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

let receiver: OtlpReceiver;
let telemetry: Telemetry;
let server: Server;
let url: string;
const injected: Array<Record<string, string>> = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const config = loadConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '20',
  });
  telemetry = await startTelemetry(config);
  server = createServer(
    telemetry.serve((_req, res) => {
      // As src/pingone/http.ts would, just before it sends a call.
      setTimeout(() => {
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        injected.push(headers);
        res.end('ok');
      }, 5);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await telemetry?.close();
  await receiver?.close();
});

it('an outgoing call carries the traceparent of the request it serves', async () => {
  const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  await (
    await fetch(`${url}/approvals`, { method: 'POST', headers: { traceparent: incoming } })
  ).text();
  const [span] = await receiver.waitFor((spans) => spans.length === 1);
  expect(span).toMatchObject({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    parentSpanId: 'b7ad6b7169203331',
    name: 'POST /approvals',
  });
  expect(injected).toEqual([{ traceparent: `00-${span!.traceId}-${span!.spanId}-01` }]);
});

it('outside a request nothing is injected', () => {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  expect(headers).toEqual({});
});
