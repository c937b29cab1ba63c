import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  appForTest,
  completeHostedSignOn,
  csrfOf,
  latestOtp,
  submitTransfer,
} from '../helpers/app.js';

describe('APPROVAL_UI=hosted: PingOne collects the code on its own page', () => {
  it('redirects to authorize (response_mode=query), and GET /callback approves once', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    expect(started.status).toBe(303);
    const authorize = new URL(started.headers.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${t.emulator.authUrl}/${t.emulator.environmentId}/as/authorize`,
    );
    const q = authorize.searchParams;
    expect(q.get('response_mode')).toBe('query');
    expect(q.get('redirect_uri')).toBe(`${t.config.baseUrl}/callback`);
    expect(q.get('request')).toBe(q.get('login_hint_token'));
    expect(q.get('code_challenge_method')).toBe('S256');
    // Chromium applies form-action to the redirect of the form POST: PingOne's origin is allowed.
    expect(started.headers['content-security-policy']).toContain(
      `form-action 'self' ${new URL(t.emulator.url).origin}`,
    );

    const callback = await completeHostedSignOn(authorize.href, latestOtp, t.emulator);
    expect(callback).toMatch(/^\/callback\?code=/);
    const back = await agent.get(callback);
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/approvals/result');
    const result = await agent.get('/approvals/result');
    expect(result.text).toContain('Transfer approved');
    expect(result.text).toContain(t.userId);
    expect(await t.approvals.listRecent(10)).toHaveLength(1);

    // A replayed callback finds no flow: back to the start, still one approval.
    const replay = await agent.get(callback);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/?notice=replayed');
    expect((await agent.get('/?notice=replayed')).text).toContain('already used');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
  });

  it('a callback with a foreign state or without a session never approves', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    const callback = await completeHostedSignOn(started.headers.location!, latestOtp, t.emulator);
    const stranger = await request(t.app).get(callback);
    expect(stranger.headers.location).toBe('/?notice=replayed');
    const forged = await agent.get(callback.replace(/state=[^&]+/, 'state=forged'));
    expect(forged.headers.location).toBe('/?notice=replayed');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
    // The transfer is kept: a new redirect for it can still approve.
    const home = await agent.get('/');
    const again = await agent
      .post('/approvals/resend')
      .type('form')
      .send({ _csrf: csrfOf(home.text) });
    expect(again.status).toBe(303);
    const next = await completeHostedSignOn(again.headers.location!, latestOtp, t.emulator);
    expect((await agent.get(next)).headers.location).toBe('/approvals/result');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
  });

  it('GET /callback with a wrong or missing state leaves the flow intact: the real redirect then approves once', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    // Links any site can make the browser follow while PingOne's page is open.
    for (const link of [
      '/callback?state=bogus&code=attacker-code',
      '/callback?error=access_denied&state=bogus',
      '/callback?error=access_denied',
      '/callback?code=attacker-code',
    ]) {
      const res = await agent.get(link);
      expect(res.status, link).toBe(303);
      expect(res.headers.location, link).toBe('/?notice=replayed');
    }
    const callback = await completeHostedSignOn(started.headers.location!, latestOtp, t.emulator);
    const back = await agent.get(callback);
    expect(back.headers.location).toBe('/approvals/result');
    expect((await agent.get('/approvals/result')).text).toContain('Transfer approved');
    expect(await t.approvals.listRecent(10)).toHaveLength(1);
    // One code was texted: the bogus links started nothing and cancelled nothing.
    expect(t.emulator.handle.sms()).toHaveLength(1);
    const rejected = t.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === 'callback.rejected');
    expect(rejected).toHaveLength(4);
    expect(rejected.every((l) => l.hadFlow === true && l.stateMatched === false)).toBe(true);
  });

  it('PingOne answering error=access_denied is "not approved"', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const agent = request.agent(t.app);
    const started = await submitTransfer(agent);
    const state = new URL(started.headers.location!).searchParams.get('state');
    const res = await agent.get(`/callback?error=access_denied&state=${state}`);
    expect(res.headers.location).toBe('/approvals/result');
    expect((await agent.get('/approvals/result')).text).toContain('Transfer not approved');
    expect(await t.approvals.listRecent(10)).toHaveLength(0);
  });

  it('the code form is not served in hosted mode', async () => {
    const t = await appForTest({ approvalUi: 'hosted' });
    const res = await request(t.app).get('/approvals/otp');
    expect(res.status).toBe(404);
  });
});
