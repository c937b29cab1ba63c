import { Agent, fetch as undiciFetch, request } from 'undici';
import { bodyText, headerObject, type FetchLike, type NodeTransport } from './node-fetch.js';

/**
 * The PingOne transport on undici (the library behind Node's own fetch) instead of node:http:
 * `send` through undici's `request`, `fetch` through undici's `fetch`, both on one keep-alive
 * `Agent`. Same contract as createNodeTransport: `send` reads the whole body, never follows a
 * redirect, rejects an abort with the signal's reason and anything else with a TypeError whose
 * cause is the system error (src/pingone/http.ts reads its code).
 *
 * Idle sockets close after 4 s, before servers' usual 5 s; undici shortens that further when a
 * server's `Keep-Alive` header asks. Nothing is sent twice: undici repeats no request on a
 * reset socket unless told to, and src/pingone/http.ts decides what is safe to repeat.
 *
 * Not the default (29 Nov 2026, `npx tsx bench/floor.ts`, ms CPU per call): `send` costs what
 * node:http's does (0.14-0.15 against 0.15-0.17), but undici's `fetch` costs 0.50-0.57 against
 * 0.27-0.33 for node-fetch.ts's Response shim, and the app measured ~1 ms more per approval.
 */
export function createUndiciTransport(options: { idleSocketMs?: number } = {}): NodeTransport {
  const agent = new Agent({ keepAliveTimeout: options.idleSocketMs ?? 4_000 });

  return {
    async send(url, init = {}) {
      const body = bodyText(init.body);
      const headers = headerObject(init.headers);
      if (body !== undefined) headers['content-type'] ??= 'text/plain;charset=UTF-8';
      const signal = init.signal ?? undefined;
      try {
        // undici 7's `request` has no redirect option: a 3xx comes back as it is.
        const res = await request(url, {
          dispatcher: agent,
          method: (init.method ?? 'GET').toUpperCase(),
          headers,
          body,
          signal,
        });
        const text = await res.body.text();
        const setCookie = res.headers['set-cookie'];
        return {
          status: res.statusCode,
          header(name) {
            const value = res.headers[name.toLowerCase()];
            if (value === undefined) return null;
            return Array.isArray(value) ? value.join(', ') : value;
          },
          setCookies: setCookie === undefined ? [] : ([] as string[]).concat(setCookie),
          text,
        };
      } catch (error) {
        // As the global fetch does: the signal's reason, or a TypeError around the system error.
        throw signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error });
      }
    },
    // undici's own Response, not the global one: openid-client accepts any object whose
    // toStringTag is Response, and so does every caller here.
    fetch: ((input: string | URL, init?: RequestInit) =>
      undiciFetch(input, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher: agent,
      })) as unknown as FetchLike,
  };
}
