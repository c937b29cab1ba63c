import express from 'express';
import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig, loadSetupConfig } from '../../src/config.js';

const environmentId = '2f6b3a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
/** A complete relying-party configuration for real PingOne. */
const PINGONE_ENV = {
  PINGONE_ENVIRONMENT_ID: environmentId,
  PINGONE_CLIENT_ID: 'client',
  PINGONE_CLIENT_SECRET: 'secret',
  PINGONE_USERNAME: 'alice',
  PINGONE_TEMPLATE_VARIANT: 'v1',
  PINGONE_POLICY_NAME: 'Policy',
  SESSION_SECRET: 'x'.repeat(32),
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs embedded with no PingOne settings and sane defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'embedded',
      baseUrl: 'http://localhost:3000',
      port: 3000,
      host: '127.0.0.1',
      emulatorPort: 3001,
      approvalUi: 'own',
      inspector: true,
    });
    expect(config.pingone).toBeUndefined();
  });

  it('reads a complete PingOne configuration', () => {
    const config = loadConfig({
      ...PINGONE_ENV,
      PINGONE_REGION: 'eu',
      BASE_URL: 'https://bank.example/',
      APPROVAL_UI: 'hosted',
    });
    expect(config.mode).toBe('pingone');
    expect(config.baseUrl).toBe('https://bank.example');
    expect(config.inspector).toBe(false);
    expect(config.pingone).toMatchObject({
      environmentId,
      region: 'eu',
      clientId: 'client',
      policyName: 'Policy',
    });
    expect(config.pingone?.worker).toBeUndefined();
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        PINGONE_ENVIRONMENT_ID: 'nope',
        PINGONE_REGION: 'mars',
        PORT: 'x',
        APPROVAL_UI: 'both',
      }),
    );
    expect(problems.join('\n')).toMatch(/PINGONE_ENVIRONMENT_ID must be a UUID/);
    expect(problems.join('\n')).toMatch(/PINGONE_REGION must be one of/);
    expect(problems.join('\n')).toMatch(/PORT must be a port/);
    expect(problems.join('\n')).toMatch(/APPROVAL_UI/);
    expect(problems.join('\n')).toMatch(/PINGONE_CLIENT_SECRET is missing/);
    expect(problems.join('\n')).toMatch(/SESSION_SECRET is missing/);
    expect(problems.length).toBeGreaterThanOrEqual(9);
  });

  it('reads SMS_MAX_SEGMENTS (default 2) and refuses what is not 1-10 parts', () => {
    expect(loadConfig({}).smsMaxSegments).toBe(2);
    expect(loadConfig({ SMS_MAX_SEGMENTS: '1' }).smsMaxSegments).toBe(1);
    expect(loadConfig({ SMS_MAX_SEGMENTS: '10' }).smsMaxSegments).toBe(10);
    for (const bad of ['0', '11', '1.5', 'two']) {
      expect(problemsOf(() => loadConfig({ SMS_MAX_SEGMENTS: bad }))).toEqual([
        `SMS_MAX_SEGMENTS must be a whole number of SMS parts 1-10 (got "${bad}")`,
      ]);
    }
  });

  it('validates LOG_LEVEL and LOG_FORMAT, pretty in development and JSON in production', () => {
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production', DEMO: '1' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' })).toMatchObject({
      logFormat: 'json',
      logLevel: 'debug',
    });
    const problems = problemsOf(() => loadConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' })).join(
      '\n',
    );
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
    expect(problems).toMatch(/LOG_FORMAT must be "json" or "pretty"/);
  });

  it('never echoes a secret value in a problem', () => {
    const problems = problemsOf(() =>
      loadConfig({ PINGONE_ENVIRONMENT_ID: environmentId, SESSION_SECRET: 'short-secret-value' }),
    );
    expect(problems.join('\n')).not.toContain('short-secret-value');
  });

  it('takes the default BASE_URL from PORT, and an explicit BASE_URL over both', () => {
    expect(loadConfig({ PORT: '8080' })).toMatchObject({
      port: 8080,
      baseUrl: 'http://localhost:8080',
    });
    expect(loadConfig({ PORT: '8080', BASE_URL: 'https://bank.example' }).baseUrl).toBe(
      'https://bank.example',
    );
  });

  it('requires worker credentials when the bearer on /flows is switched on', () => {
    const problems = problemsOf(() =>
      loadConfig({ PINGONE_ENVIRONMENT_ID: environmentId, PINGONE_FLOWS_BEARER: 'on' }),
    );
    expect(problems.join('\n')).toMatch(/PINGONE_WORKER_CLIENT_ID is missing/);
  });
});

describe('rate limits', () => {
  it('reads the counts per browser/address/user and the environment budget apart', () => {
    const config = loadConfig({
      RATE_LIMIT_SMS: '3/9/27',
      RATE_LIMIT_SMS_ENVIRONMENT: '120',
      RATE_LIMIT_CODE: '4/8/16',
    });
    expect(config.rateLimits.sms).toEqual({
      browser: { limit: 3, windowMs: 900_000 },
      address: { limit: 9, windowMs: 900_000 },
      user: { limit: 27, windowMs: 3_600_000 },
      environment: { limit: 120, windowMs: 3_600_000 },
    });
    expect(config.rateLimits.code?.environment).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_SMS_ENVIRONMENT: '50' }).rateLimits.sms).toEqual({
      environment: { limit: 50, windowMs: 3_600_000 },
    });
  });

  it('names a bad environment budget with the other problems', () => {
    const problems = problemsOf(() =>
      loadConfig({ RATE_LIMIT_SMS_ENVIRONMENT: 'lots', RATE_LIMIT_CODE: '1/2' }),
    );
    expect(problems).toEqual([
      expect.stringContaining('RATE_LIMIT_CODE must be three whole numbers'),
      'RATE_LIMIT_SMS_ENVIRONMENT must be a whole number of codes an hour, e.g. 300 (got "lots")',
    ]);
  });
});

describe('loadSetupConfig', () => {
  const env = {
    PINGONE_ENVIRONMENT_ID: environmentId,
    PINGONE_WORKER_CLIENT_ID: 'w',
    PINGONE_WORKER_CLIENT_SECRET: 'ws',
  };

  it('takes flags over the environment and defaults the redirect URI from BASE_URL', () => {
    const config = loadSetupConfig(
      { phone: '+15125201234', username: 'bob' },
      { ...env, PINGONE_USERNAME: 'alice', BASE_URL: 'http://localhost:8080' },
    );
    expect(config).toMatchObject({
      phone: '+15125201234',
      username: 'bob',
      redirectUri: 'http://localhost:8080/callback',
      prefix: 'TxApproval',
      writeEnvPath: '.env',
      worker: { clientId: 'w', clientSecret: 'ws', environmentId },
    });
  });

  it('registers the callback on PORT when BASE_URL is not set, as npm start serves it', () => {
    const config = loadSetupConfig({ phone: '+15125201234' }, { ...env, PORT: '4000' });
    expect(config.redirectUri).toBe('http://localhost:4000/callback');
    expect(loadSetupConfig({ phone: '+15125201234' }, env).redirectUri).toBe(
      'http://localhost:3000/callback',
    );
  });

  it('lists every bad input at once', () => {
    const problems = problemsOf(() =>
      loadSetupConfig(
        { phone: '5125201234', prefix: 'bad/prefix' },
        { PINGONE_ENVIRONMENT_ID: 'x', PINGONE_REGION: 'us' },
      ),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/UUID/);
    expect(text).toMatch(/PINGONE_REGION/);
    expect(text).toMatch(/--phone must be/);
    expect(text).toMatch(/--prefix/);
    expect(text).toMatch(/PINGONE_WORKER_CLIENT_ID is missing/);
    expect(text).toMatch(/PINGONE_WORKER_CLIENT_SECRET is missing/);
  });

  it('refuses a bad PINGONE_TIMEOUT_MS instead of ignoring it', () => {
    const problems = problemsOf(() =>
      loadSetupConfig({ phone: '+15125201234' }, { ...env, PINGONE_TIMEOUT_MS: 'soon' }),
    );
    expect(problems.join('\n')).toMatch(/PINGONE_TIMEOUT_MS/);
    expect(
      loadSetupConfig({ phone: '+15125201234' }, { ...env, PINGONE_TIMEOUT_MS: '2500' }).timeoutMs,
    ).toBe(2500);
  });

  it('needs no phone to tear down', () => {
    expect(loadSetupConfig({ teardown: true }, env).teardown).toBe(true);
  });
});

describe('TRUST_PROXY', () => {
  it('is off by default and reads hops, addresses, subnets and proxy-addr names', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.168.1.1/255.255.255.0, fd00::/8' })
        .trustProxy,
    ).toEqual(['loopback', '10.0.0.0/8', '192.168.1.1/255.255.255.0', 'fd00::/8']);
  });

  it('names what it cannot read', () => {
    const problems = problemsOf(() => loadConfig({ TRUST_PROXY: 'true, 10.0.0.0/33, proxy' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"true", "10.0.0.0/33", "proxy"');
  });

  it('refuses more hops than a real chain: any client would pick its own address', () => {
    expect(loadConfig({ TRUST_PROXY: '5' }).trustProxy).toBe(5);
    const [problem] = problemsOf(() => loadConfig({ TRUST_PROXY: '99' }));
    expect(problem).toMatch(/TRUST_PROXY=99 counts more proxies than any real chain \(at most 5\)/);
  });

  it('refuses subnets that take in the internet, /0 included, and names each', () => {
    for (const everyone of ['0.0.0.0/0', '::/0', '0.0.0.0/0.0.0.0', '::ffff:0:0/96', '0.0.0.0/1']) {
      const problems = problemsOf(() => loadConfig({ TRUST_PROXY: `loopback, ${everyone}` }));
      expect(problems, everyone).toHaveLength(1);
      expect(problems[0], everyone).toContain(`"${everyone}" takes in addresses on the internet`);
    }
    expect(loadConfig({ TRUST_PROXY: 'fc00::/7' }).trustProxy).toEqual(['fc00::/7']);
  });

  it('accepts only what Express accepts (a netmask with holes passed, then threw at start)', () => {
    for (const value of ['2', 'loopback, 10.0.0.0/8', '192.168.1.1/255.255.255.0', 'fd00::/8']) {
      const { trustProxy } = loadConfig({ TRUST_PROXY: value });
      expect(() => express().set('trust proxy', trustProxy), value).not.toThrow();
    }
    const problems = problemsOf(() =>
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, 1.2.3.4/255.0.255.0' }),
    );
    expect(problems).toEqual([expect.stringContaining('"1.2.3.4/255.0.255.0" is not')]);
  });

  it('warns when BASE_URL is https and no proxy is trusted', () => {
    expect(configWarnings(loadConfig({ BASE_URL: 'https://bank.example' }))).toHaveLength(1);
    expect(
      configWarnings(loadConfig({ BASE_URL: 'https://bank.example', TRUST_PROXY: 'loopback' })),
    ).toEqual([]);
    expect(configWarnings(loadConfig({ BASE_URL: 'http://localhost:3000' }))).toEqual([]);
  });
});

describe('production (NODE_ENV=production)', () => {
  const production = { NODE_ENV: 'production' };
  const pingone = {
    ...production,
    ...PINGONE_ENV,
    BASE_URL: 'https://bank.example',
    TRUST_PROXY: 'loopback',
  };

  it('never becomes the demo by accident: one problem naming the settings, or DEMO=1', () => {
    for (const env of [production, { ...production, PINGONE_ENVIRONMENT_ID: ' ' }]) {
      const problems = problemsOf(() => loadConfig(env));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^NODE_ENV=production without PINGONE_ENVIRONMENT_ID/);
      expect(problems[0]).toContain('PINGONE_CLIENT_SECRET, PINGONE_USERNAME');
      expect(problems[0]).toContain('DEMO=1');
    }
    expect(loadConfig({ ...production, DEMO: 'on' })).toMatchObject({ mode: 'embedded' });
    const [problem] = problemsOf(() => loadConfig({ DEMO: 'maybe' }));
    expect(problem).toBe('DEMO must be on or off (got "maybe")');
  });

  it('binds the emulator to loopback unless EMULATOR_HOST says otherwise, whatever HOST is', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).emulatorHost).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0', EMULATOR_HOST: '0.0.0.0' }).emulatorHost).toBe('0.0.0.0');
  });

  it('refuses plain-http PingOne hosts off this machine (the client secret in clear)', () => {
    for (const key of ['PINGONE_API_URL', 'PINGONE_AUTH_URL']) {
      const [problem] = problemsOf(() => loadConfig({ ...pingone, [key]: 'http://p1.example' }));
      expect(problem).toMatch(new RegExp(`^${key} is plain http to another machine`));
    }
    for (const url of ['http://127.0.0.1:3001', 'http://localhost:3001', 'http://[::1]:3001']) {
      expect(loadConfig({ ...pingone, PINGONE_AUTH_URL: url }).pingone?.authUrl).toBe(url);
    }
    const demo = { ...pingone, PINGONE_AUTH_URL: 'http://emulator:3001', DEMO: '1' };
    expect(loadConfig(demo).pingone?.authUrl).toBe('http://emulator:3001');
    const development = { ...pingone, NODE_ENV: '', PINGONE_AUTH_URL: 'http://p1' };
    expect(loadConfig(development).mode).toBe('pingone');
  });

  it('refuses a plain-http BASE_URL unless it is this machine or a demo', () => {
    const [problem] = problemsOf(() => loadConfig({ ...pingone, BASE_URL: 'http://bank.example' }));
    expect(problem).toMatch(/^BASE_URL is plain http \(http:\/\/bank.example\)/);
    for (const BASE_URL of ['http://localhost:3000', 'http://127.0.0.1:8080']) {
      expect(loadConfig({ ...pingone, BASE_URL }).baseUrl).toBe(BASE_URL);
    }
    expect(loadConfig({ ...pingone, BASE_URL: 'http://bank.example', DEMO: '1' }).demo).toBe(true);
  });

  it('lists its refusals together with the other problems', () => {
    const problems = problemsOf(() =>
      loadConfig({ ...pingone, BASE_URL: 'http://bank.example', PORT: 'x', TRUST_PROXY: '99' }),
    );
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['PORT', 'TRUST_PROXY=99', 'BASE_URL']);
  });

  it('warns loudly about the inspector with real PingOne, not in a demo or outside production', () => {
    const [warning] = configWarnings(loadConfig({ ...pingone, INSPECTOR: 'on' }));
    expect(warning).toMatch(/^INSPECTOR is on with real PingOne in production/);
    expect(configWarnings(loadConfig({ ...pingone, INSPECTOR: 'on', DEMO: '1' }))).toEqual([]);
    expect(configWarnings(loadConfig({ ...pingone, INSPECTOR: 'on', NODE_ENV: '' }))).toEqual([]);
    expect(configWarnings(loadConfig(pingone))).toEqual([]);
  });
});
