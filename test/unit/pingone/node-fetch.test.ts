import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, PingOneError } from '../../../src/pingone/http.js';
import { createNodeTransport } from '../../../src/pingone/node-fetch.js';

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
      res.writeHead(302, { location: 'https://example.invalid/callback?code=c' }).end();
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

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the node transport’s fetch (openid-client’s customFetch)', () => {
  const nodeFetch = createNodeTransport().fetch;

  it('sends method, headers and a string body; answers a Response with every Set-Cookie', async () => {
    const res = await nodeFetch(`${base}/json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.pingidentity.otp.check+json', Cookie: 'ST=x' },
      body: '{"otp":"123456"}',
    });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      echo: '{"otp":"123456"}',
      type: 'application/vnd.pingidentity.otp.check+json',
    });
    expect(res.headers.getSetCookie()).toEqual(['ST=one; Path=/env/', 'ST-NO-SS=two; Path=/env/']);
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers.cookie).toBe('ST=x');
    expect(request.headers['content-length']).toBe('16');
  });

  it('sends URLSearchParams and Headers as openid-client passes them', async () => {
    const res = await nodeFetch(new URL(`${base}/json`), {
      method: 'POST',
      headers: new Headers({ authorization: 'Basic abc' }),
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'a b' }),
    });
    const echoed = (await res.json()) as { echo: string };
    expect(echoed.echo).toBe('grant_type=authorization_code&code=a+b');
    expect(seen.at(-1)!.headers.authorization).toBe('Basic abc');
  });

  it('never follows a redirect: the 302 and its Location come back', async () => {
    const res = await nodeFetch(`${base}/redirect`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.invalid/callback?code=c');
    expect(seen.at(-1)!.url).toBe('/redirect');
  });

  it('answers a 204 with an empty body', async () => {
    const res = await nodeFetch(`${base}/empty`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('keeps the connection alive between calls', async () => {
    await nodeFetch(`${base}/empty`);
    await nodeFetch(`${base}/empty`);
    const [a, b] = seen.slice(-2);
    expect(a!.remotePort).toBe(b!.remotePort);
  });

  it('an abort rejects with the signal’s reason, also while the body is arriving', async () => {
    const reason = new Error('stop');
    const controller = new AbortController();
    const pending = nodeFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
    await expect(
      nodeFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('a refused connection and a cut body are TypeErrors with the system error as cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await nodeFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    const cut = await nodeFetch(`${base}/half`).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(TypeError);
  });

  it('refuses what it cannot send instead of sending something else', async () => {
    await expect(nodeFetch('ftp://127.0.0.1/')).rejects.toThrow(TypeError);
    await expect(
      nodeFetch(`${base}/json`, { method: 'POST', body: new Blob(['x']) }),
    ).rejects.toThrow(/string and URLSearchParams/);
  });
});

describe('the node transport’s send (what src/pingone/http.ts uses)', () => {
  const { send } = createNodeTransport();

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

  it('never follows a redirect and rejects an abort with its reason', async () => {
    const moved = await send(`${base}/redirect`);
    expect(moved.status).toBe(302);
    expect(moved.header('location')).toBe('https://example.invalid/callback?code=c');
    const reason = new Error('stop');
    const controller = new AbortController();
    const pending = send(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('createHttpClient over the node transport (the default transport)', () => {
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
