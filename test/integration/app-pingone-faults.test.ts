import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.js';
import {
  appForFile,
  appForTest,
  csrfOf,
  latestOtp,
  submitCode,
  submitTransfer,
  type Agent,
} from '../helpers/app.js';

/**
 * PingOne misbehaving at each step of one approval, injected at the emulator: the app answers a
 * 502/503 page that names the step and PingOne's error id, records nothing, and the retry it
 * offers works once PingOne is back.
 */
// A per-call timeout short enough that latency faults trip it without long waits, and long
// enough that a healthy call on two busy cores (the whole suite in parallel) never does.
const t = await appForFile({ timeoutMs: 1_000 });

type Step = 'authorize' | 'otp.check' | 'resume' | 'token';

const STEP_TEXT: Record<Step, string> = {
  authorize: '(authorize)',
  'otp.check': '(otp.check)',
  resume: '(resume)',
  token: '(token)',
};

function pathOf(step: Step): Pick<FaultRule, 'path' | 'method'> {
  const env = t.emulator.environmentId;
  switch (step) {
    case 'authorize':
      return { path: `/${env}/as/authorize` };
    case 'otp.check':
      return { path: `/${env}/flows/:flowId`, method: 'POST' };
    case 'resume':
      return { path: `/${env}/as/resume` };
    case 'token':
      return { path: `/${env}/as/token`, method: 'POST' };
  }
}

const FAULTS = {
  'latency beyond the timeout': {
    fault: { latencyMs: 2_000 },
    status: 503,
    code: 'PINGONE_TIMEOUT',
    errorId: undefined,
  },
  '500': {
    fault: {
      status: 500,
      body: {
        id: 'e5000000-0000-4000-8000-000000000500',
        code: 'UNEXPECTED_ERROR',
        message: 'boom',
      },
    },
    status: 502,
    code: 'PINGONE_ERROR',
    errorId: 'e5000000-0000-4000-8000-000000000500',
  },
  '429 with Retry-After': {
    fault: {
      status: 429,
      headers: { 'Retry-After': '7' },
      body: {
        id: 'e4290000-0000-4000-8000-000000000429',
        code: 'REQUEST_LIMITED',
        message: 'slow down',
      },
    },
    status: 503,
    code: 'PINGONE_RATE_LIMITED',
    errorId: 'e4290000-0000-4000-8000-000000000429',
  },
  'a dropped connection': {
    fault: { drop: true },
    status: 502,
    code: 'PINGONE_UNREACHABLE',
    errorId: undefined,
  },
} as const;

/** Runs the approval up to the faulty step and answers the failure response. */
async function failAt(agent: Agent, step: Step) {
  if (step === 'authorize') return submitTransfer(agent);
  expect((await submitTransfer(agent)).status).toBe(303);
  return submitCode(agent, latestOtp(t.emulator));
}

const cases = (['authorize', 'otp.check', 'resume', 'token'] as const).flatMap((step) =>
  Object.entries(FAULTS).map(([name, f]) => [step, name, f] as const),
);

describe('PingOne faults: a 502/503 page naming the step, nothing recorded, the retry works', () => {
  it.each(cases)('%s: %s', async (step, _name, expected) => {
    const agent = request.agent(t.app);
    const before = (await t.approvals.listRecent(100)).length;
    t.emulator.handle.clearFaults();
    t.emulator.handle.addFault({ ...pathOf(step), ...expected.fault });

    const failed = await failAt(agent, step);
    const fault: FaultRule = expected.fault as FaultRule;
    if (fault.latencyMs) {
      // The emulator still handles the call our timeout gave up on (an authorize still texts a
      // code): let it finish, or the next latestOtp() would read that stray SMS.
      await new Promise((resolve) => setTimeout(resolve, fault.latencyMs! + 250));
    }
    expect(failed.status).toBe(expected.status);
    expect(failed.text).toContain(expected.code);
    expect(failed.text).toContain(STEP_TEXT[step]);
    expect(failed.text).toContain('Nothing was recorded');
    if (expected.errorId) expect(failed.text).toContain(expected.errorId);
    if (expected.code === 'PINGONE_RATE_LIMITED') expect(failed.headers['retry-after']).toBe('7');
    expect(failed.headers['cache-control']).toBe('no-store');
    expect(failed.text).not.toMatch(/at .+\.(ts|js):\d+/);
    expect((await t.approvals.listRecent(100)).length).toBe(before);

    t.emulator.handle.clearFaults();
    if (step === 'otp.check' && expected.code !== 'PINGONE_TIMEOUT') {
      // PingOne answered without checking the code: the same flow continues with the same code.
      // (After a timeout PingOne may have checked it and rotated the flow's cookies: the page
      // then also offers a new code, which is what the other branch uses.)
      expect(failed.text).toContain('href="/approvals/otp"');
      const again = await submitCode(agent, latestOtp(t.emulator));
      expect(again.headers.location).toBe('/approvals/result');
    } else {
      // A new flow for the same transfer.
      const retried = await agent
        .post('/approvals/resend')
        .type('form')
        .send({ _csrf: csrfOf(failed.text) });
      expect(retried.headers.location).toBe('/approvals/otp');
      const code = await submitCode(agent, latestOtp(t.emulator));
      expect(code.headers.location).toBe('/approvals/result');
    }
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    expect((await t.approvals.listRecent(100)).length).toBe(before + 1);
  });

  it('JSON clients get the step and PingOne error id in {error}', async () => {
    const agent = request.agent(t.app);
    t.emulator.handle.clearFaults();
    t.emulator.handle.addFault({ ...pathOf('authorize'), ...FAULTS['500'].fault });
    const page = await agent.get('/');
    const res = await agent
      .post('/approvals')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfOf(page.text), amount: '10', currency: 'EUR', payee: 'Bob' });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({
      error: {
        code: 'PINGONE_ERROR',
        message: expect.stringContaining('Nothing was approved'),
        step: 'authorize',
        pingoneErrorId: FAULTS['500'].errorId,
      },
    });
    t.emulator.handle.clearFaults();
  });

  it('PingOne refusing authorize (4xx, not transient) is "not approved" with its error id', async () => {
    const agent = request.agent(t.app);
    t.emulator.handle.clearFaults();
    t.emulator.handle.addFault({
      ...pathOf('authorize'),
      status: 400,
      body: {
        id: 'e4000000-0000-4000-8000-000000000400',
        code: 'INVALID_REQUEST',
        message: 'nope',
      },
    });
    const res = await submitTransfer(agent);
    expect(res.headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer not approved');
    expect(result.text).toContain('e4000000-0000-4000-8000-000000000400');
    t.emulator.handle.clearFaults();
  });
});

describe('retries', () => {
  it('a single 503 on resume (a safe GET) is retried behind the page; authorize (sends an SMS) is not', async () => {
    const app = await appForTest({ deps: { retry: { maxAttempts: 2, baseDelayMs: 1 } } });
    const env = app.emulator.environmentId;
    const agent = request.agent(app.app);
    app.emulator.handle.addFault({ path: `/${env}/as/authorize`, status: 503, count: 1 });
    expect((await submitTransfer(agent)).status).toBe(502);
    expect(app.emulator.handle.sms()).toHaveLength(0);

    const fresh = request.agent(app.app);
    await submitTransfer(fresh);
    app.emulator.handle.addFault({ path: `/${env}/as/resume`, status: 503, count: 1 });
    const res = await submitCode(fresh, latestOtp(app.emulator));
    expect(res.headers.location).toBe('/approvals/result');
    expect((await fresh.get('/approvals/result')).text).toContain('Transfer approved');
    const resumes = app.emulator.handle.requests().filter((r) => r.path.endsWith('/as/resume'));
    expect(resumes.map((r) => r.status)).toEqual([503, 200]);
  });
});
