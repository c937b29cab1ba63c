import { onCall, urlTemplate, type CallEvent } from '../../../src/pingone/call-events.js';
import { callScope } from '../../../src/pingone/http.js';
import { describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../../src/pingone/http.js';
import { PingOneError } from '../../../src/pingone/pingone-error.js';
import { parseRetryAfter, redactUrl, VENDOR_TYPES } from '../../../src/pingone/wire.js';

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a queue and records what it was sent. */
function scriptedFetch(answers: Array<Response | Error | (() => Promise<Response>)>) {
  const seen: Seen[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    if (typeof next === 'function') return next();
    return next;
  }) as typeof fetch;
  return { fn, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** A fetch that never answers; it rejects with the reason its signal aborts with. */
const hang = ((_: unknown, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
  })) as typeof fetch;

const noSleep = { sleep: async () => {}, random: () => 0.5 };

/** Collects the client's `pingone.call` events. */
function watched(http: HttpClient, into: CallEvent[]): HttpClient {
  onCall(http.id, (event) => into.push(event));
  return http;
}

describe('createHttpClient', () => {
  it('sends JSON with Accept application/json and a bearer token on management calls', async () => {
    const { fn, seen } = scriptedFetch([json(201, { id: 'a1' })]);
    const http = createHttpClient({ fetch: fn });
    const res = await http.call<{ id: string }>({
      step: 'create application',
      method: 'POST',
      url: 'https://api.pingone.eu/v1/environments/e/applications',
      bearer: 'tok',
      json: { name: 'x' },
      transactionId: 'tx-1',
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe('a1');
    const headers = seen[0]!.init.headers as Record<string, string>;
    expect(headers.Accept).toBe('application/json');
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers.Authorization).toBe('Bearer tok');
    expect(headers['X-Ping-External-Transaction-ID']).toBe('tx-1');
    expect(seen[0]!.init.redirect).toBe('manual');
    expect(seen[0]!.init.body).toBe('{"name":"x"}');
    expect(http.calls).toBe(1);
  });

  it('sends Accept */*, vendor types, cookies and returns every Set-Cookie and Location on auth calls', async () => {
    const headers = new Headers({ location: 'https://rp.example/cb?code=c' });
    headers.append('set-cookie', 'ST=a; Path=/e; HttpOnly');
    headers.append('set-cookie', 'ST-NO-SS=b; Path=/e');
    const { fn, seen } = scriptedFetch([new Response(null, { status: 302, headers })]);
    const http = createHttpClient({ fetch: fn });
    const res = await http.call({
      step: 'otp.check',
      host: 'auth',
      method: 'POST',
      url: 'https://auth.pingone.com/e/flows/f',
      json: { otp: '123456' },
      contentType: VENDOR_TYPES.otpCheck,
      cookie: 'ST=a; ST-NO-SS=b',
      transactionId: 't'.repeat(150),
    });
    expect(res.status).toBe(302);
    expect(res.location).toBe('https://rp.example/cb?code=c');
    expect(res.setCookies).toEqual(['ST=a; Path=/e; HttpOnly', 'ST-NO-SS=b; Path=/e']);
    const sent = seen[0]!.init.headers as Record<string, string>;
    expect(sent.Accept).toBe('*/*');
    expect(sent['Content-Type']).toBe('application/vnd.pingidentity.otp.check+json');
    expect(sent.Cookie).toBe('ST=a; ST-NO-SS=b');
    expect(sent['X-Ping-External-Transaction-ID']).toHaveLength(100);
  });

  it('sends client_secret_basic and a form body', async () => {
    const { fn, seen } = scriptedFetch([json(200, { access_token: 't', expires_in: 3600 })]);
    const http = createHttpClient({ fetch: fn });
    await http.call({
      step: 'worker token',
      host: 'auth',
      method: 'POST',
      url: 'https://auth.pingone.com/e/as/token',
      basic: { username: 'id', password: 's3cr~t' },
      form: { grant_type: 'client_credentials', scope: undefined },
    });
    const sent = seen[0]!.init.headers as Record<string, string>;
    expect(sent.Authorization).toBe(`Basic ${Buffer.from('id:s3cr~t').toString('base64')}`);
    expect(sent['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0]!.init.body).toBe('grant_type=client_credentials');
  });

  it('parses PingOne error bodies into a PingOneError with status, code, details and id', async () => {
    const { fn } = scriptedFetch([
      json(400, {
        id: 'err-1',
        code: 'INVALID_DATA',
        message: 'The request could not be completed.',
        details: [{ code: 'UNIQUENESS_VIOLATION', target: 'name', message: 'taken' }],
      }),
    ]);
    const http = createHttpClient({ fetch: fn });
    const error = await http
      .call({ step: 'create policy', method: 'POST', url: 'https://api.pingone.com/v1/x?secret=1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PingOneError);
    const e = error as PingOneError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('INVALID_DATA');
    expect(e.pingoneErrorId).toBe('err-1');
    expect(e.hasDetail('UNIQUENESS_VIOLATION')).toBe(true);
    expect(e.details[0]!.target).toBe('name');
    expect(e.message).toContain('create policy');
    expect(e.message).toContain('err-1');
    expect(e.message).not.toContain('secret=1');
    expect(e.url).toBe('https://api.pingone.com/v1/x');
  });

  it('parses the OAuth error shape of the token endpoint', async () => {
    const { fn } = scriptedFetch([
      json(401, { error: 'invalid_client', error_description: 'bad' }),
    ]);
    const http = createHttpClient({ fetch: fn });
    const e = (await http
      .call({ step: 'worker token', method: 'POST', url: 'https://auth.pingone.com/e/as/token' })
      .catch((x: unknown) => x)) as PingOneError;
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_client');
    expect(e.description).toBe('bad');
  });

  it('gives a non-PingOne error body the HTTP_ERROR code', async () => {
    const { fn } = scriptedFetch([new Response('<html>bad gateway</html>', { status: 400 })]);
    const http = createHttpClient({ fetch: fn });
    const e = (await http
      .call({ step: 's', method: 'GET', url: 'https://api.pingone.com/v1/x' })
      .catch((x: unknown) => x)) as PingOneError;
    expect(e.code).toBe('HTTP_ERROR');
    expect(e.status).toBe(400);
  });

  it('appends the query with %20 for spaces and never reports it', async () => {
    const reports: CallEvent[] = [];
    const { fn, seen } = scriptedFetch([json(200, {})]);
    const http = watched(createHttpClient({ fetch: fn }), reports);
    await http.call({
      step: 'authorize',
      host: 'auth',
      method: 'GET',
      url: 'https://auth.pingone.com/e/as/authorize',
      query: { scope: 'openid profile', state: undefined, acr_values: 'A_B' },
    });
    expect(seen[0]!.url).toBe(
      'https://auth.pingone.com/e/as/authorize?scope=openid%20profile&acr_values=A_B',
    );
    expect(reports[0]!.url).toBe('https://auth.pingone.com/e/as/authorize');
  });

  it('returns okStatus answers instead of throwing', async () => {
    const { fn } = scriptedFetch([json(404, { id: 'n', code: 'NOT_FOUND', message: 'nope' })]);
    const http = createHttpClient({ fetch: fn });
    const res = await http.call({ step: 's', method: 'GET', url: 'https://x/y', okStatus: [404] });
    expect(res.status).toBe(404);
  });

  it('retries a GET on 429 honouring Retry-After, then succeeds', async () => {
    const waits: number[] = [];
    const reports: CallEvent[] = [];
    const { fn } = scriptedFetch([
      json(
        429,
        { id: 'r1', code: 'REQUEST_LIMITED', message: 'slow down' },
        { 'retry-after': '2' },
      ),
      json(503, { id: 'r2', code: 'UNEXPECTED_ERROR' }),
      json(200, { ok: true }),
    ]);
    const http = watched(
      createHttpClient({ fetch: fn, sleep: async (ms) => void waits.push(ms), random: () => 0.5 }),
      reports,
    );
    const res = await http.call({ step: 'list', method: 'GET', url: 'https://x/y?q=1' });
    expect(res.attempts).toBe(3);
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThan(0);
    expect(reports.map((r) => [r.attempt, r.status, r.willRetry, r.pingoneErrorId])).toEqual([
      [1, 429, true, 'r1'],
      [2, 503, true, 'r2'],
      [3, 200, false, undefined],
    ]);
    expect(reports.every((r) => r.url === 'https://x/y')).toBe(true);
    expect(http.calls).toBe(3);
  });

  it('gives up after maxAttempts and keeps the last PingOne error id', async () => {
    const { fn } = scriptedFetch([
      json(502, { id: 'a', code: 'UNEXPECTED_ERROR' }),
      json(502, { id: 'b', code: 'UNEXPECTED_ERROR' }),
    ]);
    const http = createHttpClient({ fetch: fn, ...noSleep, retry: { maxAttempts: 2 } });
    const e = (await http
      .call({ step: 'read app', method: 'PUT', url: 'https://x/y' })
      .catch((x: unknown) => x)) as PingOneError;
    expect(e.status).toBe(502);
    expect(e.pingoneErrorId).toBe('b');
    expect(e.attempts).toBe(2);
    expect(e.transient).toBe(true);
  });

  it('does not retry a POST, nor a 400, nor a 500', async () => {
    for (const status of [503, 400, 500]) {
      const { fn, seen } = scriptedFetch([json(status, { code: 'X' }), json(200, {})]);
      const http = createHttpClient({ fetch: fn, ...noSleep });
      const method = status === 503 ? 'POST' : 'GET';
      await expect(http.call({ step: 's', method, url: 'https://x/y' })).rejects.toThrow(
        PingOneError,
      );
      expect(seen).toHaveLength(1);
    }
  });

  it('retries a POST marked idempotent (a token request)', async () => {
    const { fn } = scriptedFetch([new TypeError('fetch failed'), json(200, { access_token: 't' })]);
    const http = createHttpClient({ fetch: fn, ...noSleep });
    const res = await http.call({
      step: 't',
      method: 'POST',
      url: 'https://x/y',
      idempotent: true,
    });
    expect(res.attempts).toBe(2);
  });

  it('does not wait for a Retry-After longer than the cap', async () => {
    const { fn, seen } = scriptedFetch([
      json(429, { code: 'REQUEST_LIMITED' }, { 'retry-after': '3600' }),
    ]);
    const http = createHttpClient({ fetch: fn, ...noSleep });
    const e = (await http
      .call({ step: 's', method: 'GET', url: 'https://x/y' })
      .catch((x: unknown) => x)) as PingOneError;
    expect(e.code).toBe('REQUEST_LIMITED');
    expect(e.retryAfterMs).toBe(3_600_000);
    expect(seen).toHaveLength(1);
  });

  it('turns a network error into NETWORK_ERROR and retries it on GET', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    const { fn } = scriptedFetch([refused, refused]);
    const http = createHttpClient({ fetch: fn, ...noSleep, retry: { maxAttempts: 2 } });
    const e = (await http
      .call({ step: 's', method: 'GET', url: 'https://x/y' })
      .catch((x: unknown) => x)) as PingOneError;
    expect(e.code).toBe('NETWORK_ERROR');
    expect(e.status).toBeUndefined();
    expect(e.description).toContain('ECONNREFUSED');
    expect(e.attempts).toBe(2);
  });

  it('times out a call that does not answer and reports TIMEOUT', async () => {
    const http = createHttpClient({ fetch: hang, timeoutMs: 20, ...noSleep });
    const e = (await http
      .call({ step: 's', method: 'POST', url: 'https://x/y' })
      .catch((x: unknown) => x)) as PingOneError;
    expect(e.code).toBe('TIMEOUT');
    expect(e.attempts).toBe(1);
  });

  it('never puts secrets in errors or reports', async () => {
    const reports: CallEvent[] = [];
    const { fn } = scriptedFetch([json(401, { code: 'ACCESS_FAILED', message: 'no' })]);
    const http = watched(createHttpClient({ fetch: fn }), reports);
    const e = (await http
      .call({
        step: 's',
        method: 'POST',
        url: 'https://x/y',
        bearer: 'BEARER-SECRET',
        basic: { username: 'u', password: 'BASIC-SECRET' },
        json: { secret: 'BODY-SECRET' },
        cookie: 'ST=COOKIE-SECRET',
        query: { code: 'QUERY-SECRET' },
      })
      .catch((x: unknown) => x)) as PingOneError;
    const text = `${e.message} ${JSON.stringify(e)} ${JSON.stringify(reports)}`;
    for (const s of ['BEARER', 'BASIC', 'BODY', 'COOKIE', 'QUERY']) {
      expect(text).not.toContain(`${s}-SECRET`);
    }
  });
});

describe('parseRetryAfter and redactUrl', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
  it('drops the query and fragment', () => {
    expect(redactUrl('https://a.b/c/d?code=x#y')).toBe('https://a.b/c/d');
  });
});

describe('fetch (openid-client’s customFetch on the same path)', () => {
  const scope = { transactionId: 'tx-9', requestId: 'req-9' };

  it('hands back the platform’s own Response, error statuses included, with one event naming the approval', async () => {
    const reports: CallEvent[] = [];
    const answer = json(
      400,
      { error: 'invalid_grant', id: 'e-1' },
      { 'www-authenticate': 'Basic', 'x-other': 'kept' },
    );
    const { fn, seen } = scriptedFetch([answer]);
    const http = watched(createHttpClient({ fetch: fn }), reports);
    const res = await callScope.run(scope, () =>
      http.fetch('token', 'https://auth.x/env/as/token', {
        method: 'POST',
        headers: { accept: 'application/json', authorization: 'Basic abc' },
        body: 'grant_type=authorization_code&code=c',
      }),
    );
    expect(res).toBe(answer);
    expect(await res.json()).toEqual({ error: 'invalid_grant', id: 'e-1' });
    const sent = new Headers(seen[0]!.init.headers);
    expect(sent.get('accept')).toBe('application/json');
    expect(sent.get('authorization')).toBe('Basic abc');
    expect(sent.get('x-ping-external-transaction-id')).toBe('tx-9');
    expect(seen[0]!.init).toMatchObject({
      redirect: 'manual',
      body: 'grant_type=authorization_code&code=c',
    });
    expect(reports).toEqual([
      expect.objectContaining({
        step: 'token',
        workflowStep: 19,
        status: 400,
        errorCode: 'invalid_grant',
        pingoneErrorId: 'e-1',
        transactionId: 'tx-9',
        requestId: 'req-9',
        willRetry: false,
      }),
    ]);
  });

  it('retries a GET on 503 and answers the second Response', async () => {
    const second = json(200, { keys: [] });
    const { fn, seen } = scriptedFetch([json(503, { code: 'UNEXPECTED_ERROR' }), second]);
    const http = createHttpClient({ fetch: fn, ...noSleep });
    const res = await http.fetch('jwks', 'https://auth.x/env/as/jwks', { method: 'GET' });
    expect(res).toBe(second);
    expect(seen).toHaveLength(2);
  });

  it('rejects a network failure with a PingOneError; never repeats a POST', async () => {
    const { fn, seen } = scriptedFetch([
      new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }),
    ]);
    const http = createHttpClient({ fetch: fn, ...noSleep });
    const e = (await http
      .fetch('token', 'https://auth.x/env/as/token', { method: 'POST' })
      .catch((err: unknown) => err)) as PingOneError;
    expect(e).toBeInstanceOf(PingOneError);
    expect(e.code).toBe('NETWORK_ERROR');
    expect(seen).toHaveLength(1);
  });

  it('a deadline of the caller (openid-client’s timeout) is a TIMEOUT too', async () => {
    const http = createHttpClient({ fetch: hang, timeoutMs: 10_000, ...noSleep });
    const e = (await http
      .fetch('token', 'https://auth.x/env/as/token', {
        method: 'POST',
        signal: AbortSignal.timeout(20),
      })
      .catch((err: unknown) => err)) as PingOneError;
    expect(e.code).toBe('TIMEOUT');
  });
});

describe('workflow steps on the events', () => {
  it('names each call’s step from WORKFLOW_STEPS: by its name, else by method and path', async () => {
    const reports: CallEvent[] = [];
    const answers = Array.from({ length: 6 }, () => json(200, {}));
    const { fn } = scriptedFetch(answers);
    const http = watched(createHttpClient({ fetch: fn }), reports);
    const env = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
    const calls = [
      { step: 'worker token', method: 'POST', url: `https://auth.x/${env}/as/token` },
      {
        step: 'create application',
        method: 'POST',
        url: `https://api.x/v1/environments/${env}/applications`,
      },
      {
        step: 'read users',
        method: 'GET',
        url: `https://api.x/v1/environments/${env}/users/u1/devices`,
      },
      { step: 'otp.check', method: 'POST', url: `https://auth.x/${env}/flows/f1` },
      { step: 'token', method: 'POST', url: `https://auth.x/${env}/as/token` },
      {
        step: 'something else',
        method: 'GET',
        url: `https://api.x/v1/environments/${env}/nowhere`,
      },
    ] as const;
    for (const call of calls) await http.call({ ...call, idempotent: false });
    expect(reports.map((r) => [r.workflowStep, r.workflowStepName])).toEqual([
      [0, 'worker token'],
      [1, 'application'],
      [15, 'SMS device'],
      [17, 'otp.check'],
      [19, 'token'],
      [undefined, undefined],
    ]);
  });
});

describe('urlTemplate', () => {
  it('replaces the ids of a path, keeps the words', () => {
    expect(
      urlTemplate(
        'https://auth.pingone.eu/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d/flows/03a4b5c6d7e8f9a0b1c2',
      ),
    ).toBe('https://auth.pingone.eu/{id}/flows/{id}');
    expect(urlTemplate('https://auth.pingone.eu/x/as/token')).toBe(
      'https://auth.pingone.eu/x/as/token',
    );
  });
});
