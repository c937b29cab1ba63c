import diagnostics_channel from 'node:diagnostics_channel';
import type { RequestListener } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rateLimitedChannel } from '../../../src/http/rate-limit.js';
import { callsObserved } from '../../../src/pingone/call-events.js';
import { storeOpChannel } from '../../../src/store/store-ops.js';
import { APPROVAL_CHANNEL } from '../../../src/approval/approval-events.js';
import { startTelemetry } from '../../../src/telemetry/start-telemetry.js';

const approvalChannel = diagnostics_channel.channel(APPROVAL_CHANNEL);
const observed = () => [
  callsObserved(),
  approvalChannel.hasSubscribers,
  rateLimitedChannel.hasSubscribers,
  storeOpChannel.hasSubscribers,
];

describe('startTelemetry', () => {
  it('with neither METRICS_PORT nor an OTLP endpoint: nobody listens, the listener is the same', async () => {
    const telemetry = await startTelemetry({});
    const listener: RequestListener = (_req, res) => res.end();
    expect(telemetry.serve(listener)).toBe(listener);
    expect(telemetry.metricsUrl).toBeUndefined();
    expect(observed()).toEqual([false, false, false, false]);
    await telemetry.close();
  });

  it('with METRICS_PORT: every channel observed until close, then the listener is gone', async () => {
    const telemetry = await startTelemetry({ metrics: { port: 0, host: '127.0.0.1' } });
    expect(observed()).toEqual([true, true, true, true]);
    const url = telemetry.metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(url)).status).toBe(200);
    await telemetry.close();
    expect(observed()).toEqual([false, false, false, false]);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a metrics port that is taken stops the start with the listen error', async () => {
    const first = await startTelemetry({ metrics: { port: 0, host: '127.0.0.1' } });
    const port = Number(new URL(first.metricsUrl!).port);
    await expect(startTelemetry({ metrics: { port, host: '127.0.0.1' } })).rejects.toThrow(
      /EADDRINUSE/,
    );
    await first.close();
    expect(observed()).toEqual([false, false, false, false]);
  });
});
