import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { appForTest, csrfOf, type TestApp } from '../helpers/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function lines(app: TestApp): Record<string, unknown>[] {
  return app.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
}

function capture() {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { out, destination };
}

describe('X-Request-Id', () => {
  it('GET /healthz without one: a fresh UUID, echoed and on the request line', async () => {
    const t = await appForTest();
    const res = await request(t.app).get('/healthz');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(lines(t).find((l) => l.msg === 'request' && l.path === '/healthz')).toMatchObject({
      reqId: id,
      method: 'GET',
      status: 200,
      durationMs: expect.any(Number),
    });
  });

  it('a sane incoming id (a load balancer’s, up to 64 of A-Z a-z 0-9 . _ : -) is kept; a longer or odd one is replaced', async () => {
    const t = await appForTest();
    const kept = await request(t.app).get('/').set('X-Request-Id', 'lb-7f3a9c:01');
    expect(kept.headers['x-request-id']).toBe('lb-7f3a9c:01');
    const longest = `a${'1'.repeat(63)}`;
    expect(
      (await request(t.app).get('/').set('X-Request-Id', longest)).headers['x-request-id'],
    ).toBe(longest);
    for (const bad of [
      `a${'1'.repeat(64)}`,
      'has space',
      '"quoted"',
      '-leading-dash',
      '<script>',
      'path/like',
      'base64==',
      'user@host',
      'a+b',
    ]) {
      const res = await request(t.app).get('/').set('X-Request-Id', bad);
      expect(res.headers['x-request-id'], bad).toMatch(UUID);
    }
    const ids = lines(t)
      .filter((l) => l.msg === 'request')
      .map((l) => l.reqId);
    expect(ids.slice(0, 2)).toEqual(['lb-7f3a9c:01', longest]);
    expect(ids.slice(2).every((id) => UUID.test(String(id)))).toBe(true);
  });

  it('an app whose signal aborted stops observing PingOne calls; its pages still work', async () => {
    const retired = new AbortController();
    const app = await appForTest({ deps: { signal: retired.signal } });
    const approve = async () => {
      const agent = request.agent(app.app);
      const form = await agent.get('/');
      const res = await agent
        .post('/approvals')
        .type('form')
        .send({ amount: '1.00', currency: 'EUR', payee: 'Retired Ltd', _csrf: csrfOf(form.text) });
      return res.status;
    };
    const callLines = () => lines(app).filter((l) => l.event === 'pingone.call').length;
    expect(await approve()).toBe(303);
    const observed = callLines();
    expect(observed).toBeGreaterThan(0);
    retired.abort();
    expect(await approve()).toBe(303);
    expect(callLines()).toBe(observed);
    expect(lines(app).filter((l) => l.msg === 'request' && l.path === '/approvals')).toHaveLength(
      2,
    );
  });

  it('POST /approvals: the PingOne call lines carry the id of the request they served, two at once', async () => {
    const t = await appForTest();
    const agents = [request.agent(t.app), request.agent(t.app)];
    const pages = await Promise.all(agents.map((a) => a.get('/')));
    const answers = await Promise.all(
      agents.map((agent, i) =>
        agent
          .post('/approvals')
          .set('X-Request-Id', `approve-${i}`)
          .type('form')
          .send({
            amount: `${i + 1}.00`,
            currency: 'EUR',
            payee: 'Two Ltd',
            _csrf: csrfOf(pages[i]!.text),
          }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    expect(answers.map((a) => a.headers['x-request-id'])).toEqual(['approve-0', 'approve-1']);
    const all = lines(t);
    for (const id of ['approve-0', 'approve-1']) {
      const authorize = all.filter((l) => l.event === 'pingone.call' && l.step === 'authorize');
      expect(authorize.filter((l) => l.reqId === id)).toHaveLength(1);
      expect(all.find((l) => l.msg === 'request' && l.reqId === id)).toMatchObject({
        method: 'POST',
        path: '/approvals',
        status: 303,
      });
    }
    // Lines outside any request carry no id.
    expect(all.filter((l) => l.reqId === undefined && l.event === 'pingone.call')).toEqual([]);
  });
});

describe('log formats', () => {
  it('json: one JSON object per line, secrets redacted', () => {
    const { out, destination } = capture();
    createLogger({ format: 'json', destination }).info(
      { otp: '918273', pingone: { cookies: { ST: 'cookie-value-123' } } },
      'hello',
    );
    const line = JSON.parse(out.join('')) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'hello', otp: '[redacted]' });
    expect(out.join('')).not.toContain('918273');
    expect(out.join('')).not.toContain('cookie-value-123');
  });

  it('pretty (development): readable lines from pino-pretty, still redacted', () => {
    const { out, destination } = capture();
    createLogger({ format: 'pretty', destination }).info(
      { otp: '918273', client_secret: 'very-secret-value' },
      'hello there',
    );
    const text = out.join('');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello there/);
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('918273');
    expect(text).not.toContain('very-secret-value');
  });
});
