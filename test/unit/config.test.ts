import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig, loadSetupConfig } from '../../src/config.js';

const environmentId = '2f6b3a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

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
      PINGONE_ENVIRONMENT_ID: environmentId,
      PINGONE_REGION: 'eu',
      PINGONE_CLIENT_ID: 'client',
      PINGONE_CLIENT_SECRET: 'secret',
      PINGONE_USERNAME: 'alice',
      PINGONE_TEMPLATE_VARIANT: 'v1',
      PINGONE_POLICY_NAME: 'Policy',
      SESSION_SECRET: 'x'.repeat(32),
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

  it('validates LOG_LEVEL and LOG_FORMAT, pretty in development and JSON in production', () => {
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }).logFormat).toBe('json');
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

  it('warns when BASE_URL is https and no proxy is trusted', () => {
    expect(configWarnings(loadConfig({ BASE_URL: 'https://bank.example' }))).toHaveLength(1);
    expect(
      configWarnings(loadConfig({ BASE_URL: 'https://bank.example', TRUST_PROXY: 'loopback' })),
    ).toEqual([]);
    expect(configWarnings(loadConfig({ BASE_URL: 'http://localhost:3000' }))).toEqual([]);
  });
});
