import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/http/rate-limit.js';
import {
  TRANSFER,
  appForFile,
  csrfOf,
  latestOtp,
  submitCode,
  submitTransfer,
  wrongCode,
  type Agent,
} from '../helpers/app.js';
import { DECEPTIVE_PAYEES } from '../helpers/bad-input-corpus.js';
import { AS_OPERATOR } from '../helpers/durable-app.js';

/**
 * Flow abuses (issue 13): what an attacker does with a working browser rather than a malformed
 * request (those are test/integration/durability-bad-input.test.ts). The app keeps its
 * production rate limits here. Each case says what must hold: no approval that PingOne did not
 * give, no second approval, no SMS for nothing, no one else's data, never a 5xx.
 */
const t = await appForFile({ deps: { rateLimits: DEFAULT_RATE_LIMITS } });

const sent = () => t.emulator.handle.sms().length;
const recorded = async (payee: string) =>
  (await t.approvals.listRecent(1000)).filter((r) => r.payee === payee).length;

/** A browser with a transfer started for `payee`; its code page and the code texted to it. */
async function started(payee: string) {
  const agent = request.agent(t.app);
  const start = await submitTransfer(agent, { ...TRANSFER, payee });
  expect(start.headers.location).toBe('/approvals/otp');
  const cookie = /txa\.sid=[^;]+/.exec(String(start.headers['set-cookie']))![0];
  const page = await agent.get('/approvals/otp');
  return { agent, cookie, csrf: csrfOf(page.text), otp: latestOtp(t.emulator) };
}

async function approved(payee: string): Promise<Agent> {
  const run = await started(payee);
  expect((await submitCode(run.agent, run.otp)).headers.location).toBe('/approvals/result');
  return run.agent;
}

describe('attack corpus: flow abuses', () => {
  it('a replayed code (double submit, back button) records nothing twice', async () => {
    const run = await started('Replay Ltd');
    const form = { otp: run.otp, _csrf: run.csrf };
    const first = await run.agent.post('/approvals/otp').type('form').send(form);
    const again = await run.agent.post('/approvals/otp').type('form').send(form);
    expect(first.headers.location).toBe('/approvals/result');
    expect(again.headers.location).toBe('/approvals/result');
    expect(await recorded('Replay Ltd')).toBe(1);
  });

  it("another browser's code, sent from a browser without a flow, approves nothing", async () => {
    const victim = await started('Victim Ltd');
    const attacker = request.agent(t.app);
    const form = await attacker.get('/');
    const stolen = await attacker
      .post('/approvals/otp')
      .type('form')
      .send({ otp: victim.otp, _csrf: csrfOf(form.text) });
    expect(stolen.headers.location).toBe('/?notice=no-approval');
    expect(await recorded('Victim Ltd')).toBe(0);
    // The victim's own flow is untouched.
    expect((await submitCode(victim.agent, victim.otp)).headers.location).toBe('/approvals/result');
    expect(await recorded('Victim Ltd')).toBe(1);
  });

  it('a CSRF token from another session is refused (403 CSRF_FAILED)', async () => {
    const victim = await started('Csrf Victim Ltd');
    const attacker = await started('Csrf Attacker Ltd');
    const forged = await victim.agent
      .post('/approvals/otp')
      .type('form')
      .send({ otp: victim.otp, _csrf: attacker.csrf });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('CSRF_FAILED');
    expect(await recorded('Csrf Victim Ltd')).toBe(0);
  });

  it('"send a new code" and "cancel" after the approval change nothing and text nothing', async () => {
    const agent = await approved('After Ltd');
    const csrf = csrfOf((await agent.get('/')).text);
    const before = sent();
    const resend = await agent.post('/approvals/resend').type('form').send({ _csrf: csrf });
    const cancel = await agent.post('/approvals/cancel').type('form').send({ _csrf: csrf });
    for (const answer of [resend, cancel]) expect(answer.status).toBeLessThan(500);
    expect(sent()).toBe(before);
    expect(await recorded('After Ltd')).toBe(1);
    const mine = await agent.get('/approvals').set('accept', 'application/json');
    expect(JSON.stringify(mine.body)).toContain('After Ltd');
  });

  it('the session id of a finished approval (stolen or fixed) gives nothing', async () => {
    const run = await started('Fixation Ltd');
    await submitCode(run.agent, run.otp);
    expect(await recorded('Fixation Ltd')).toBe(1);
    const old = await request(t.app)
      .get('/approvals')
      .set({ accept: 'application/json', cookie: run.cookie });
    expect(old.body).toEqual({ approvals: [] });
    const result = await request(t.app).get('/approvals/result').set('cookie', run.cookie);
    expect(result.headers.location).toBe('/?notice=no-approval');
  });

  it('an attacker-chosen session cookie cannot start an approval (no SMS)', async () => {
    const before = sent();
    const answer = await request(t.app)
      .post('/approvals')
      .set('Cookie', 'txa.sid=s%3Aattacker-chosen.invalidsignature')
      .type('form')
      .send({ ...TRANSFER, _csrf: 'x' });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/?notice=session-expired');
    expect(sent()).toBe(before);
  });

  it("nobody lists other people's approvals: no cookie, none; a guessed bearer, 401", async () => {
    await approved('Private Ltd');
    const anonymous = await request(t.app).get('/approvals').set('accept', 'application/json');
    expect(anonymous.body).toEqual({ approvals: [] });
    for (const authorization of ['Bearer guess', 'Bearer ', 'Basic YWRtaW46YWRtaW4=']) {
      const answer = await request(t.app)
        .get('/approvals')
        .set({ accept: 'application/json', authorization });
      expect(answer.status, authorization).toBeLessThan(500);
      expect(JSON.stringify(answer.body), authorization).not.toContain('Private Ltd');
    }
    const operator = await request(t.app).get('/approvals').set(AS_OPERATOR);
    expect(operator.text).toContain('Private Ltd');
  });

  it('guessing codes: at most 10 checks a minute reach PingOne from one browser', async () => {
    const run = await started('Guess Ltd');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const answer = await run.agent
        .post('/approvals/otp')
        .type('form')
        .send({ otp: wrongCode(run.otp), _csrf: run.csrf });
      statuses.push(answer.status);
      if (answer.status === 303) break; // PingOne locked the flow first: also a stop.
    }
    expect(
      statuses.filter((s) => s === 429).length + statuses.filter((s) => s === 303).length,
    ).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 422).length).toBeLessThanOrEqual(10);
    expect(statuses.every((s) => s < 500)).toBe(true);
    expect(await recorded('Guess Ltd')).toBe(0);
  });

  it('SMS pumping without cookies: the address limit stops it, with 429 and Retry-After', async () => {
    const before = sent();
    const answers = [];
    for (let i = 0; i < 25; i++) {
      const agent = request.agent(t.app);
      const form = await agent.get('/');
      answers.push(
        await agent
          .post('/approvals')
          .set('accept', 'application/json')
          .type('form')
          .send({ ...TRANSFER, payee: `Pump ${i} Ltd`, _csrf: csrfOf(form.text) }),
      );
    }
    const limited = answers.filter((a) => a.status === 429);
    expect(sent() - before).toBeLessThanOrEqual(DEFAULT_RATE_LIMITS.sms.address.limit);
    expect(limited.length).toBeGreaterThan(0);
    for (const answer of limited) {
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(answer.body).toMatchObject({ error: { code: 'TOO_MANY_CODES_SENT' } });
    }
  });
});

describe('attack corpus: the emulator beside the app (embedded mode shares the process)', () => {
  it('a catastrophic fault pattern is refused with 400, and /healthz answers promptly', async () => {
    const refused = await fetch(`${t.emulator.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '^/(a+)+$', latencyMs: 1 }),
    });
    const body = (await refused.json()) as { details: Array<{ target: string; message: string }> };
    expect(refused.status).toBe(400);
    expect(body.details[0]).toMatchObject({ target: 'path' });
    expect(body.details[0]!.message).toMatch(/^regular expressions are not accepted/);
    const started = performance.now();
    const [probe, health] = await Promise.all([
      fetch(`${t.emulator.url}/${'a'.repeat(26)}!`).then((r) => r.status),
      request(t.app).get('/healthz'),
    ]);
    expect(probe).toBe(404);
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

/**
 * Issue 24: payees that would read one way on the page and another in the SMS or the record.
 * An app of its own: the flow abuses above use up the production SMS limits of this address.
 */
const own = await appForFile();
describe('attack corpus: payees that do not read as what they are', () => {
  it('each is refused with 400 INVALID_INPUT naming what is wrong: no SMS, no row, no 5xx', async () => {
    const answers = [];
    for (const payee of DECEPTIVE_PAYEES) {
      const agent = request.agent(own.app);
      const csrf = csrfOf((await agent.get('/')).text);
      const answer = await agent
        .post('/approvals')
        .set('accept', 'application/json')
        .type('form')
        .send({ ...TRANSFER, payee, _csrf: csrf });
      answers.push({ payee, status: answer.status, field: answer.body.error?.fields?.payee });
    }
    expect(answers.filter((a) => a.status !== 400)).toEqual([]);
    for (const a of answers) {
      expect(a.field, JSON.stringify(a.payee)).toMatch(
        /character|“Code”|“code”|digits in a row|Enter who/,
      );
    }
    expect(own.emulator.handle.sms()).toHaveLength(0);
    expect(await own.approvals.listRecent(1000)).toHaveLength(0);
  });
});

/**
 * Cookieless floods (issue 24): posts with no session and no CSRF token text nothing, so they
 * must not count against anyone's limits either; the first page stores nothing for them. An app
 * of its own, with the production limits, so that the blocks above do not share its counters.
 */
const flood = await appForFile({ deps: { rateLimits: DEFAULT_RATE_LIMITS } });
describe('attack corpus: cookieless floods', () => {
  it('100 cookieless GET / set no session cookie', async () => {
    for (let i = 0; i < 100; i++) {
      const page = await request(flood.app).get('/');
      expect(page.status).toBe(200);
      expect(String(page.headers['set-cookie'])).not.toContain('txa.sid=');
    }
  });

  it('40 cookieless starts and 80 cookieless codes cost the real browser nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const start = await request(flood.app)
        .post('/approvals')
        .type('form')
        .send({ ...TRANSFER, payee: `Flood ${i} Ltd` });
      statuses.push(start.status);
    }
    for (let i = 0; i < 80; i++) {
      const code = await request(flood.app)
        .post('/approvals/otp')
        .type('form')
        .send({ otp: '123456' });
      statuses.push(code.status);
    }
    expect(statuses.every((s) => s === 303)).toBe(true);
    expect(flood.emulator.handle.sms()).toHaveLength(0);

    const agent = request.agent(flood.app);
    const start = await submitTransfer(agent, { ...TRANSFER, payee: 'After The Flood Ltd' });
    expect(start.headers.location).toBe('/approvals/otp');
    const done = await submitCode(agent, latestOtp(flood.emulator));
    expect(done.headers.location).toBe('/approvals/result');
    const rows = await flood.approvals.listRecent(1000);
    expect(rows.map((r) => r.payee)).toEqual(['After The Flood Ltd']);
  });
});
