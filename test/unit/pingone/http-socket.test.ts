import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/pingone/http.js';
import { PingOneError } from '../../../src/pingone/pingone-error.js';

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
    case '/stall':
      // The headers and a first part, then nothing: the deadline covers the body too.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
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

describe('createHttpClient’s own calls on a real socket (wire.ts, the default)', () => {
  const http = createHttpClient({ timeoutMs: 500, retry: { maxAttempts: 1 } });

  it('answers status, every Set-Cookie and the parsed JSON body', async () => {
    const res = await http.call({ step: 's', method: 'POST', url: `${base}/json`, json: { a: 1 } });
    expect(res.status).toBe(200);
    expect(res.setCookies).toEqual(['ST=one; Path=/env/', 'ST-NO-SS=two; Path=/env/']);
    expect(res.body).toEqual({ echo: '{"a":1}', type: 'application/json' });
  });

  it('never follows a redirect; one Set-Cookie is a list of one', async () => {
    const moved = await http.call({
      step: 's',
      host: 'auth',
      method: 'GET',
      url: `${base}/redirect`,
    });
    expect(moved.status).toBe(302);
    expect(moved.location).toBe('https://example.invalid/callback?code=c');
    expect(moved.setCookies).toEqual(['ST=moved; Path=/']);
    expect(seen.at(-1)!.url).toBe('/redirect');
  });

  it('sends a form body with its length and keeps the connection alive', async () => {
    for (let i = 0; i < 4; i++) {
      await http.call({ step: 's', method: 'POST', url: `${base}/json`, form: { a: 'b c' } });
    }
    const calls = seen.slice(-4);
    expect(calls[0]).toMatchObject({ method: 'POST', body: 'a=b+c' });
    expect(calls[0]!.headers['content-length']).toBe('5');
    expect(reusedConnections(calls)).toBe(true);
  });

  it('an empty answer has no body', async () => {
    const res = await http.call({ step: 's', method: 'DELETE', url: `${base}/empty` });
    expect(res).toMatchObject({ status: 204, body: undefined });
  });

  it('a refused connection and a cut body are NETWORK_ERRORs naming the system error', async () => {
    const refused = (await http
      .call({ step: 's', method: 'GET', url: await refusedUrl() })
      .catch((e: unknown) => e)) as PingOneError;
    expect(refused).toMatchObject({
      code: 'NETWORK_ERROR',
      description: 'network error (ECONNREFUSED)',
    });
    const cut = await http
      .call({ step: 's', method: 'GET', url: `${base}/half` })
      .catch((e: unknown) => e);
    expect(cut).toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('parses PingOne’s error body, Retry-After and the status', async () => {
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

  it('times out a call that gets no answer, and one whose body never ends, within the deadline', async () => {
    const quick = createHttpClient({ timeoutMs: 50, retry: { maxAttempts: 1 } });
    for (const path of ['/slow', '/stall']) {
      const started = performance.now();
      const error = await quick
        .call({ step: 'resume', method: 'GET', url: `${base}${path}` })
        .catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(PingOneError);
      expect((error as PingOneError).code, path).toBe('TIMEOUT');
      expect(performance.now() - started, path).toBeLessThan(1_000);
    }
  });
});

describe('createHttpClient’s fetch (openid-client’s) on a real socket', () => {
  it('is the platform’s fetch: its Response comes back whole, every header kept', async () => {
    const http = createHttpClient({ retry: { maxAttempts: 1 } });
    const res = await http.fetch('jwks', `${base}/json`, { method: 'GET' });
    expect(res).toBeInstanceOf(Response);
    expect(res.headers.getSetCookie()).toEqual(['ST=one; Path=/env/', 'ST-NO-SS=two; Path=/env/']);
    expect(await res.json()).toEqual({ echo: '' });
  });
});
