import { Agent, request } from 'node:http';

/** One answer, body read in full. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A keep-alive node:http client: cheaper per request than fetch, so the load generator takes
 * as little of the two cores as it can from the processes it measures.
 */
export function createHttpClient(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  function send(url: string, init: HttpRequest = {}): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      const req = request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.setTimeout(30_000, () =>
        req.destroy(new Error(`no answer in 30 s: ${init.method ?? 'GET'} ${url}`)),
      );
      req.on('error', reject);
      req.end(init.body);
    });
  }
  return { send, close: () => agent.destroy() };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

/** The cookies of one browser (or one PingOne flow): name → value, expired ones dropped. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(setCookie: string | string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const gone = attributes.some((a) => {
        const [key = '', value = ''] = a.trim().split('=');
        if (/^max-age$/i.test(key)) return Number(value) <= 0;
        if (/^expires$/i.test(key)) return Date.parse(value) <= Date.now();
        return false;
      });
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string | undefined {
    if (!this.cookies.size) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clear(): void {
    this.cookies.clear();
  }
}
