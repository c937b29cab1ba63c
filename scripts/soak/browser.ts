/**
 * A minimal browser for driving the app over real HTTP: a cookie jar, no redirects followed, and
 * a base URL that may change between requests (two app instances behind one "load balancer"
 * share the cookie, as they would under one host name).
 */
export interface Page {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

export class Browser {
  private readonly jar = new Map<string, string>();

  constructor(public baseUrl: string) {}

  /** The cookie header the next request sends (tests tamper with it). */
  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.jar.size && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const res = await fetch(new URL(path, this.baseUrl), {
      ...init,
      method,
      headers,
      redirect: 'manual',
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (eq > 0) this.jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      headers: res.headers,
      text: await res.text(),
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.request('GET', path, headers ? { headers } : {});
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>) {
    return this.request('POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }
}

/** The CSRF token of a page's first form. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}
