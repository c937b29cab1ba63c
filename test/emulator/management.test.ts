import { describe, expect, it } from 'vitest';
import { emulatorForFile, startTestEmulator } from '../helpers/emulator.js';
import { call, management, provision, workerToken } from './fixture.js';

const { em, p } = await emulatorForFile();
const m = management(em, p.token);

const tokenUrl = () => `${em.authUrl}/${em.environmentId}/as/token`;

describe('POST /{env}/as/token (worker token, step 0)', () => {
  it('issues a Bearer token with client_secret_basic', async () => {
    const token = await workerToken(em);
    expect(token.split('.')).toHaveLength(3);
  });

  it('refuses client_secret_post for a CLIENT_SECRET_BASIC worker with 401 invalid_client', async () => {
    const res = await call(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: em.worker.clientId,
        client_secret: em.worker.clientSecret,
      }).toString(),
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('accepts client_secret_post for an app configured so', async () => {
    const worker = await m.post('/applications', {
      enabled: true,
      name: 'Post Worker',
      type: 'WORKER',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['CLIENT_CREDENTIALS'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
    });
    expect(worker.status).toBe(201);
    const secret = (await m.get(`/applications/${worker.body.id}/secret`)).body.secret as string;
    const res = await call(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: worker.body.id,
        client_secret: secret,
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('answers 401 invalid_client for a wrong secret', async () => {
    const basic = Buffer.from(`${em.worker.clientId}:wrong`).toString('base64');
    const res = await call(tokenUrl(), {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('answers unsupported_grant_type and unauthorized_client', async () => {
    const basic = Buffer.from(`${em.worker.clientId}:${em.worker.clientSecret}`).toString('base64');
    const res = await call(tokenUrl(), {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
    const web = Buffer.from(`${p.appId}:${p.secret}`).toString('base64');
    const res2 = await call(tokenUrl(), {
      method: 'POST',
      headers: {
        authorization: `Basic ${web}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res2.body.error).toBe('unauthorized_client');
  });
});

describe('bearer checks on /v1', () => {
  it('answers 401 ACCESS_FAILED without a bearer, with a bad one, and after it expires', async () => {
    const none = await call(`${m.base}/applications`);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      code: 'ACCESS_FAILED',
      details: [{ code: 'INVALID_TOKEN' }],
    });
    expect(typeof none.body.id).toBe('string');
    const bad = await management(em, 'not-a-token').get('/applications');
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('ACCESS_FAILED');

    const other = await startTestEmulator();
    try {
      const token = await workerToken(other);
      const m2 = management(other, token);
      expect((await m2.get('/applications')).status).toBe(200);
      other.handle.advanceTime(3600 * 1000);
      const expired = await m2.get('/applications');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('ACCESS_FAILED');
    } finally {
      await other.close();
    }
  });

  it('answers 404 NOT_FOUND for an unknown environment and 403 for another one', async () => {
    const res = await call(
      `${em.apiUrl}/environments/00000000-0000-4000-8000-000000000000/applications`,
      {
        headers: { authorization: `Bearer ${p.token}` },
      },
    );
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('management resources (steps 1–15)', () => {
  it('lists with _embedded, count and size, and HAL self links', async () => {
    const res = await m.get('/applications');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/hal\+json/);
    expect(res.body.count).toBe(res.body._embedded.applications.length);
    expect(res.body.size).toBe(res.body.count);
    const app = res.body._embedded.applications.find((a: { id: string }) => a.id === p.appId);
    expect(app).toMatchObject({
      name: 'TxApproval App',
      environment: { id: em.environmentId },
      pkceEnforcement: 'S256_REQUIRED',
    });
    expect(app._links.self.href).toBe(`${m.base}/applications/${p.appId}`);
    expect(Date.parse(app.createdAt)).not.toBeNaN();
    for (const name of [
      'signOnPolicies',
      'populations',
      'users',
      'deviceAuthenticationPolicies',
      'resources',
    ]) {
      const list = await m.get(`/${name}`);
      expect(list.status, name).toBe(200);
      expect(Array.isArray(list.body._embedded[name]), name).toBe(true);
    }
    for (const [path, name] of [
      [`/applications/${p.appId}/grants`, 'grants'],
      [`/applications/${p.appId}/signOnPolicyAssignments`, 'signOnPolicyAssignments'],
      [`/signOnPolicies/${p.policyId}/actions`, 'actions'],
      ['/templates/transaction/contents', 'contents'],
      [`/users/${p.userId}/devices`, 'devices'],
    ] as const) {
      const list = await m.get(path);
      expect(list.status, name).toBe(200);
      expect(list.body._embedded[name], name).toHaveLength(1);
    }
  });

  it('returns a secret of at least 64 characters (step 2) and rotates it keeping previous', async () => {
    const res = await m.get(`/applications/${p.appId}/secret`);
    expect(res.body.secret.length).toBeGreaterThanOrEqual(64);
  });

  it('serves the openid resource with its standard scopes and the PingOne API resource (steps 3–4)', async () => {
    const resources = (await m.get('/resources')).body._embedded.resources as Array<{
      name: string;
      type: string;
    }>;
    expect(resources.map((r) => r.name)).toEqual(expect.arrayContaining(['openid', 'PingOne API']));
    const scopes = (await m.get(`/resources/${p.openidResourceId}/scopes`)).body._embedded
      .scopes as Array<{ name: string }>;
    expect(scopes.map((s) => s.name)).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'address', 'offline_access']),
    );
  });

  it('gets, updates and deletes; then 404 NOT_FOUND', async () => {
    const created = await m.post('/populations', { name: 'Temp', description: 'x' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await m.get(`/populations/${id}`)).body.name).toBe('Temp');
    const updated = await m.put(`/populations/${id}`, { name: 'Temp 2' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: 'Temp 2', createdAt: created.body.createdAt });
    expect((await m.del(`/populations/${id}`)).status).toBe(204);
    const gone = await m.get(`/populations/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('NOT_FOUND');
    expect((await m.del(`/populations/${id}`)).status).toBe(404);
  });

  it('patches a user and filters users by username', async () => {
    const patched = await m.patch(`/users/${p.userId}`, { name: { given: 'Ada' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      username: p.username,
      name: { given: 'Ada', family: 'User' },
      mfaEnabled: true,
    });
    const found = await m.get(`/users?filter=${encodeURIComponent(`username eq "${p.username}"`)}`);
    expect(found.body._embedded.users.map((u: { id: string }) => u.id)).toEqual([p.userId]);
    const none = await m.get(`/users?filter=${encodeURIComponent('username eq "nobody"')}`);
    expect(none.body.count).toBe(0);
    const bad = await m.get(`/users?filter=${encodeURIComponent('username co "x"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ code: 'INVALID_VALUE', target: 'filter' });
  });

  it('answers 404 NOT_FOUND for unknown ids, parents and paths', async () => {
    const unknown = '11111111-1111-4111-8111-111111111111';
    for (const path of [
      `/applications/${unknown}`,
      `/applications/${unknown}/secret`,
      `/applications/${unknown}/grants`,
      `/users/${unknown}/devices`,
      '/templates/nope/contents',
      '/nothing-here',
    ]) {
      const res = await m.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code, path).toBe('NOT_FOUND');
    }
  });

  it('reports the mfaEnabled flag (step 13) and the password status (step 12)', async () => {
    expect((await m.get(`/users/${p.userId}/mfaEnabled`)).body.mfaEnabled).toBe(true);
    expect((await m.get(`/users/${p.userId}/password`)).body.status).toBe('OK');
  });
});

describe('uniqueness, content types and validation', () => {
  it('answers 400 UNIQUENESS_VIOLATION with existingId for a duplicate name', async () => {
    for (const [path, body, target] of [
      [
        '/applications',
        {
          name: 'TxApproval App',
          type: 'WORKER',
          protocol: 'OPENID_CONNECT',
          grantTypes: ['CLIENT_CREDENTIALS'],
          tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
          enabled: true,
        },
        'name',
      ],
      ['/signOnPolicies', { name: 'TxApproval_SMS' }, 'name'],
      ['/populations', { name: 'TxApproval Users' }, 'name'],
      ['/users', { username: p.username, email: 'again@example.com' }, 'username'],
      [
        '/templates/transaction/contents',
        { locale: 'en', deliveryMethod: 'SMS', variant: 'tx-approval', content: 'x ${OTP}' },
        'variant',
      ],
      [
        '/templates/transaction/contents',
        { locale: 'en', deliveryMethod: 'SMS', variant: 'TX-Approval', content: 'x ${OTP}' },
        'variant',
      ],
    ] as const) {
      const res = await m.post(path, body);
      expect(res.status, path).toBe(400);
      expect(res.body.code, path).toBe('INVALID_DATA');
      expect(res.body.details[0], path).toMatchObject({ code: 'UNIQUENESS_VIOLATION', target });
      expect(typeof res.body.details[0].innerError.existingId).toBe('string');
    }
    const grant = await m.post(`/applications/${p.appId}/grants`, {
      resource: { id: p.openidResourceId },
      scopes: [],
    });
    expect(grant.status).toBe(400);
  });

  it('answers 415 INVALID_REQUEST for the wrong content type', async () => {
    const plain = await m.put(`/users/${p.userId}/password`, {
      value: 'Another-1!',
      forceChange: false,
    });
    expect(plain.status).toBe(415);
    expect(plain.body.code).toBe('INVALID_REQUEST');
    const text = await call(`${m.base}/populations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'text/plain' },
      body: '{"name":"x"}',
    });
    expect(text.status).toBe(415);
    const vendor = await m.post(
      '/populations',
      { name: 'y' },
      'application/vnd.pingidentity.password.set+json',
    );
    expect(vendor.status).toBe(415);
  });

  it('answers REQUIRED_VALUE, INVALID_VALUE and OUT_OF_RANGE with targets', async () => {
    const missing = await m.post('/applications', {
      type: 'WEB_APP',
      protocol: 'OPENID_CONNECT',
      grantTypes: ['AUTHORIZATION_CODE'],
      responseTypes: ['CODE'],
      redirectUris: ['https://x/cb'],
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      enabled: true,
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      code: 'INVALID_DATA',
      details: [{ code: 'REQUIRED_VALUE', target: 'name' }],
    });

    const method = await m.post('/templates/transaction/contents', {
      locale: 'en',
      deliveryMethod: 'sms',
      content: 'x',
    });
    expect(method.body.details[0]).toMatchObject({
      code: 'INVALID_VALUE',
      target: 'deliveryMethod',
      innerError: { allowedValues: ['Email', 'SMS', 'Voice', 'Push'] },
    });

    const long = await m.post('/templates/transaction/contents', {
      locale: 'en',
      deliveryMethod: 'SMS',
      variant: 'long',
      content: 'x'.repeat(154),
    });
    expect(long.body.details[0]).toMatchObject({
      code: 'SIZE_LIMIT_EXCEEDED',
      target: 'content',
      innerError: { maximumValue: 153 },
    });

    const policyName = await m.post('/signOnPolicies', { name: 'bad/name' });
    expect(policyName.body.details[0]).toMatchObject({ code: 'INVALID_VALUE', target: 'name' });

    const count = await m.post('/deviceAuthenticationPolicies', {
      name: 'Too many',
      sms: { enabled: true, otp: { failure: { count: 8 }, otpLength: 5 } },
    });
    expect(count.status).toBe(400);
    expect(count.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'OUT_OF_RANGE',
          target: 'sms.otp.failure.count',
          innerError: { rangeMinimumValue: 1, rangeMaximumValue: 7 },
        }),
        expect.objectContaining({ code: 'OUT_OF_RANGE', target: 'sms.otp.otpLength' }),
      ]),
    );

    const noMethod = await m.post(`/signOnPolicies/${p.policyId}/actions`, {
      priority: 2,
      type: 'MULTI_FACTOR_AUTHENTICATION',
      sms: { enabled: false },
    });
    expect(noMethod.body.details[0]).toMatchObject({
      code: 'INVALID_VALUE',
      target: 'sms.enabled',
    });

    const phone = await m.post(`/users/${p.userId}/devices`, { type: 'SMS', phone: '5125201234' });
    expect(phone.body.details[0]).toMatchObject({ code: 'INVALID_VALUE', target: 'phone' });

    const population = await m.post('/users', {
      username: 'someone',
      email: 'someone@example.com',
      population: { id: '22222222-2222-4222-8222-222222222222' },
    });
    expect(population.body.details[0]).toMatchObject({
      code: 'INVALID_VALUE',
      target: 'population.id',
    });

    const json = await call(`${m.base}/populations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('INVALID_DATA');
  });

  it('accepts the phone formats PingOne accepts and creates ACTIVE devices with 201', async () => {
    const user = await m.post('/users', { username: 'phones', email: 'phones@example.com' });
    for (const phone of ['+1.5125201234', '+1 (512) 520-1234']) {
      const res = await m.post(`/users/${user.body.id}/devices`, { type: 'SMS', phone });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'ACTIVE', phone, user: { id: user.body.id } });
    }
  });

  it('refuses to delete a population that still has users, and cascades a user delete to its devices', async () => {
    const refused = await m.del(`/populations/${p.populationId}`);
    expect(refused.status).toBe(400);
    expect(refused.body.details[0].code).toBe('CONSTRAINT_VIOLATION');
    const user = await m.post('/users', {
      username: 'temp-user',
      email: 'temp-user@example.com',
      population: { id: p.populationId },
    });
    const device = await m.post(`/users/${user.body.id}/devices`, {
      type: 'SMS',
      phone: '+15555550199',
    });
    expect((await m.del(`/users/${user.body.id}`)).status).toBe(204);
    expect((await m.get(`/users/${user.body.id}/devices/${device.body.id}`)).status).toBe(404);
  });

  it('tears down in the order a teardown would: app, policy, device policy, content, user, population', async () => {
    const other = await startTestEmulator();
    try {
      const q = await provision(other);
      const mm = management(other, q.token);
      const content = (await mm.get('/templates/transaction/contents')).body._embedded.contents[0]
        .id as string;
      for (const path of [
        `/applications/${q.appId}`,
        `/signOnPolicies/${q.policyId}`,
        `/templates/transaction/contents/${content}`,
        `/users/${q.userId}`,
        `/deviceAuthenticationPolicies/${q.devicePolicyId}`,
        `/populations/${q.populationId}`,
      ]) {
        expect((await mm.del(path)).status, path).toBe(204);
      }
      expect((await mm.get(`/applications/${q.appId}/signOnPolicyAssignments`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
