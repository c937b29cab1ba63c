import http from 'node:http';
import https from 'node:https';
/** The shape of the platform's `fetch`: what the clients accept in its place. */
export type FetchLike = typeof fetch;

/** One HTTP answer, body read in full: what src/pingone/http.ts needs of a response. */
export interface HttpAnswer {
  status: number;
  /** A header's value (repeated ones joined by `, `, as `Headers.get` does), or null. */
  header(name: string): string | null;
  /** Every `Set-Cookie`, unparsed. */
  setCookies: string[];
  text: string;
}

export interface HttpRequestInit {
  method?: string;
  headers?: RequestInit['headers'];
  body?: RequestInit['body'];
  signal?: AbortSignal | null;
}

/** Sends one request and reads the whole answer; never follows a redirect. */
export type HttpSend = (url: string | URL, init?: HttpRequestInit) => Promise<HttpAnswer>;

export interface NodeTransport {
  /** The cheap path (src/pingone/http.ts): no Response object, no web streams. */
  send: HttpSend;
  /** The same requests behind the `fetch` contract, for openid-client's `customFetch`. */
  fetch: FetchLike;
}

/**
 * How every PingOne call goes out by default: node:http(s) with keep-alive agents, with the
 * `fetch` contract for what this project uses (method, headers, string or URLSearchParams
 * body, `redirect: 'manual'`, `signal`).
 *
 * Why not the global fetch: on these machines one call through undici's fetch costs ~0.8 ms of
 * CPU against ~0.3 ms here (web streams, a transferable body per response), and an approval
 * makes four (`npx tsx bench/floor.ts`). Redirects are never followed: every caller reads
 * `Location` itself.
 *
 * Idle sockets are closed after 4 s (undici's default), before servers' usual 5 s. Nothing is
 * sent twice here: a reset connection is a network error, and whether to repeat the call is
 * decided by the caller (src/pingone/http.ts repeats only what is safe to repeat). A reset on a
 * reused socket looks the same as a server that read the request and then dropped it.
 */
export function createNodeTransport(options: { idleSocketMs?: number } = {}): NodeTransport {
  const agentOptions = { keepAlive: true, timeout: options.idleSocketMs ?? 4_000 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  function exchange(input: string | URL, init: HttpRequestInit = {}) {
    const url = typeof input === 'string' ? new URL(input) : input;
    const protocol = url.protocol as keyof typeof agents;
    if (!(protocol in agents)) throw new TypeError(`fetch failed: unsupported ${url.protocol}`);
    const body = bodyText(init.body);
    const headers = headerObject(init.headers);
    if (body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(body));
      headers['content-type'] ??= 'text/plain;charset=UTF-8';
    }
    const method = (init.method ?? 'GET').toUpperCase();
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();

    return new Promise<{ res: http.IncomingMessage; body: Buffer }>((resolve, reject) => {
      const transport = protocol === 'https:' ? https : http;
      const req = transport.request(url, { method, headers, agent: agents[protocol] });
      const onAbort = () => req.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      // As the global fetch does: an abort rejects with the signal's reason, anything else
      // with a TypeError whose cause is the system error.
      const fail = (error: unknown) => {
        settle();
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          settle();
          resolve({ res, body: Buffer.concat(chunks) });
        });
        res.on('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the body ended'));
        });
      });
      req.end(body);
    });
  }

  return {
    async send(input, init) {
      const { res, body } = await exchange(input, init);
      const setCookie = res.headers['set-cookie'];
      return {
        status: res.statusCode ?? 502,
        header(name) {
          const value = res.headers[name.toLowerCase()];
          if (value === undefined) return null;
          return Array.isArray(value) ? value.join(', ') : value;
        },
        setCookies: setCookie ?? [],
        text: body.toString('utf8'),
      };
    },
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      if (input instanceof Request) throw new TypeError('nodeFetch takes a URL, not a Request');
      const { res, body } = await exchange(input, init);
      return toResponse(res, body);
    }) as FetchLike,
  };
}

/** The bodies this project sends (openid-client's forms, our JSON), as text. */
export function bodyText(body: RequestInit['body']): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('nodeFetch sends string and URLSearchParams bodies only');
}

/** Request headers as one object with lower-case names. */
export function headerObject(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries =
    headers instanceof Headers || Array.isArray(headers)
      ? headers
      : Object.entries(headers as Record<string, string>);
  for (const [name, value] of entries) out[name.toLowerCase()] = value;
  return out;
}

/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(res: http.IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const status = res.statusCode ?? 502;
  const empty = NULL_BODY.has(status) || body.length === 0;
  return new Response(empty ? null : new Uint8Array(body), {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  });
}

/** One per process: the agents' sockets are shared by every PingOne client. */
export const nodeTransport: NodeTransport = createNodeTransport();

/** {@link nodeTransport}'s `fetch`: the default of every `fetch` option in src/pingone/. */
export const nodeFetch: FetchLike = nodeTransport.fetch;
