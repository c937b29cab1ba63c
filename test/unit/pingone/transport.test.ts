import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, PingOneError } from '../../../src/pingone/http.js';
import { createTransport } from '../../../src/pingone/transport.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  switch (req.url) {
    case '/json':
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['ST=one; Path=/env/', 'ST-NO-SS=two; Path=/env/']);
      res.end(JSON.stringify({ echo: body, type: req.headers['content-type'] }));
      return;
    case '/redirect':
      res
        .writeHead(302, {
          location: 'https://example.invalid/callback?code=c',
          'set-cookie': 'ST=moved; Path=/',
        })
        .end();
      return;
    case '/empty':
      res.writeHead(204).end();
      return;
    case '/error':
      res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'err-1', code: 'SERVICE_UNAVAILABLE' }));
      return;
    case '/slow':
      setTimeout(() => res.end('late'), 2_000).unref();
      return;
    case '/half':
      // Promises more body than it sends, then drops the connection.
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20).unref();
      return;
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort ?? 0,
      });
      route(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** The address of a port that was just closed: connecting to it is refused. */
async function refusedUrl(): Promise<string> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  return `http://127.0.0.1:${port}/`;
}

/** Whether sequential calls shared sockets (undici's pool may open a second, then alternate). */
function reusedConnections(calls: Seen[]): boolean {
  return new Set(calls.map((call) => call.remotePort)).size < calls.length;
}

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the transport (what src/pingone/http.ts sends every call through)', () => {
  const send = createTransport();
  const get = { method: 'GET', headers: {} };

  it('answers status, headers by any case, every Set-Cookie and the body text', async () => {
    const answer = await send(`${base}/json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    expect(answer.status).toBe(200);
    expect(answer.header('Content-Type')).toBe('application/json');
    expect(answer.header('x-missing')).toBeNull();
    expect(answer.setCookies).toEqual(['ST=one; Path=/env/', 'ST-NO-SS=two; Path=/env/']);
    expect(JSON.parse(answer.text)).toEqual({ echo: '{"a":1}', type: 'application/json' });
  });

  it('never follows a redirect; one Set-Cookie is a list of one', async () => {
    const moved = await send(`${base}/redirect`, get);
    expect(moved.status).toBe(302);
    expect(moved.header('location')).toBe('https://example.invalid/callback?code=c');
    expect(moved.setCookies).toEqual(['ST=moved; Path=/']);
    expect(seen.at(-1)!.url).toBe('/redirect');
  });

  it('rejects an abort with its reason: before the call, while waiting, on a timeout', async () => {
    const reason = new Error('stop');
    await expect(send(`${base}/slow`, { ...get, signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    const controller = new AbortController();
    const pending = send(`${base}/slow`, { ...get, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
    await expect(
      send(`${base}/slow`, { ...get, signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('keeps the connection alive and sends the body with its length', async () => {
    for (let i = 0; i < 4; i++) {
      await send(`${base}/json`, {
        method: 'post',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ a: 'b c' }).toString(),
      });
    }
    const calls = seen.slice(-4);
    expect(calls[0]).toMatchObject({ method: 'POST', body: 'a=b+c' });
    expect(calls[0]!.headers['content-length']).toBe('5');
    expect(reusedConnections(calls)).toBe(true);
  });

  it('a refused connection and a cut body are TypeErrors with the system error as cause', async () => {
    const refused = await send(await refusedUrl(), get).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    const cut = await send(`${base}/half`, get).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(TypeError);
  });
});

describe('createHttpClient over the transport (the default transport)', () => {
  it('parses PingOne’s error body, Retry-After and the status from a real socket', async () => {
    const http = createHttpClient({ retry: { maxAttempts: 1 } });
    const error = await http
      .call({ step: 'otp.check', method: 'POST', url: `${base}/error`, json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PingOneError);
    expect(error).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      pingoneErrorId: 'err-1',
      retryAfterMs: 1000,
    });
  });

  it('times out a call that gets no answer, as a TIMEOUT PingOneError', async () => {
    const http = createHttpClient({ timeoutMs: 50, retry: { maxAttempts: 1 } });
    const error = await http
      .call({ step: 'resume', method: 'GET', url: `${base}/slow` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PingOneError);
    expect((error as PingOneError).code).toBe('TIMEOUT');
  });
});
