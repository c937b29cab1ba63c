import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../src/config.js';
import { pingoneUrls } from '../../src/pingone/urls.js';

const environmentId = '2f6b3a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

describe('pingoneUrls', () => {
  it.each([
    ['com', 'https://api.pingone.com/v1', 'https://auth.pingone.com'],
    ['ca', 'https://api.pingone.ca/v1', 'https://auth.pingone.ca'],
    ['eu', 'https://api.pingone.eu/v1', 'https://auth.pingone.eu'],
    ['com.au', 'https://api.pingone.com.au/v1', 'https://auth.pingone.com.au'],
    ['sg', 'https://api.pingone.sg/v1', 'https://auth.pingone.sg'],
    ['asia', 'https://api.pingone.asia/v1', 'https://auth.pingone.asia'],
  ] as const)('region %s → %s and %s', (region, api, auth) => {
    const urls = pingoneUrls({ environmentId, region });
    expect(urls.api).toBe(api);
    expect(urls.auth).toBe(auth);
    expect(urls.issuer).toBe(`${auth}/${environmentId}/as`);
    expect(urls.authorize).toBe(`${auth}/${environmentId}/as/authorize`);
    expect(urls.token).toBe(`${auth}/${environmentId}/as/token`);
    expect(urls.resume).toBe(`${auth}/${environmentId}/as/resume`);
    expect(urls.flow('f1')).toBe(`${auth}/${environmentId}/flows/f1`);
    expect(urls.environment).toBe(`${api}/environments/${environmentId}`);
  });

  it('covers every region config accepts', () => {
    for (const region of REGIONS)
      expect(pingoneUrls({ environmentId, region }).api).toContain(region);
  });

  it('uses the overrides without the region and strips trailing slashes', () => {
    const urls = pingoneUrls({
      environmentId,
      region: 'eu',
      apiUrl: 'http://127.0.0.1:4000/v1/',
      authUrl: 'http://127.0.0.1:4000/',
    });
    expect(urls.api).toBe('http://127.0.0.1:4000/v1');
    expect(urls.issuer).toBe(`http://127.0.0.1:4000/${environmentId}/as`);
    expect(urls.discovery).toBe(
      `http://127.0.0.1:4000/${environmentId}/as/.well-known/openid-configuration`,
    );
    expect(urls.jwks).toBe(`http://127.0.0.1:4000/${environmentId}/as/jwks`);
  });

  it('builds a worker token URL in another environment', () => {
    const other = '11111111-2222-4333-8444-555555555555';
    expect(pingoneUrls({ environmentId, region: 'com' }).tokenOf(other)).toBe(
      `https://auth.pingone.com/${other}/as/token`,
    );
  });
});
