import { describe, expect, it } from 'vitest';
import { PingOneError } from '../../../src/pingone/pingone-error.js';
import { explainFailure, roleFor } from '../../../src/provisioning/setup-explain.js';

const location = { environmentId: '11111111-1111-4111-8111-111111111111', region: 'eu' as const };
const error = (step: string, status: number | undefined, code: string, id?: string) =>
  new PingOneError({
    step,
    method: 'GET',
    url: 'https://api.pingone.eu/v1/x',
    status,
    code,
    pingoneErrorId: id,
  });

describe('roleFor', () => {
  it('names the built-in role each step needs', () => {
    expect(roleFor('create application')).toBe('Client Application Developer');
    expect(roleFor('read application secret')).toBe('Client Application Developer');
    expect(roleFor('assign sign-on policy')).toBe('Client Application Developer');
    expect(roleFor('create grant')).toBe('Client Application Developer');
    expect(roleFor('create sign-on policy')).toBe('Environment Admin');
    expect(roleFor('create MFA action')).toBe('Environment Admin');
    expect(roleFor('create device policy')).toBe('Environment Admin');
    expect(roleFor('create template content')).toBe('Environment Admin');
    expect(roleFor('create population')).toBe('Environment Admin');
    expect(roleFor('create user')).toBe('Identity Data Admin');
    expect(roleFor('set user password')).toBe('Identity Data Admin');
    expect(roleFor('enable user MFA')).toBe('Identity Data Admin');
    expect(roleFor('create SMS device')).toBe('Identity Data Admin');
    expect(roleFor('list population users')).toBe('Identity Data Admin');
  });
});

describe('explainFailure', () => {
  it('explains 401s, 403s, limits and timeouts with the error id', () => {
    expect(explainFailure(error('worker token', 401, 'invalid_client'), location)).toMatch(
      /refused the worker credentials.*PINGONE_REGION=eu/,
    );
    expect(
      explainFailure(error('list applications', 401, 'ACCESS_FAILED', 'id-1'), location),
    ).toMatch(/credentials or the region are wrong.*another region.*PingOne error id: id-1/);
    expect(explainFailure(error('create user', 403, 'ACCESS_FAILED', 'id-2'), location)).toMatch(
      /give it the Identity Data Admin role on environment 11111111-.*id-2/,
    );
    expect(explainFailure(error('list users', 429, 'REQUEST_LIMITED', 'id-3'), location)).toMatch(
      /kept answering 429 REQUEST_LIMITED to list users.*id-3/,
    );
    expect(explainFailure(error('list users', undefined, 'TIMEOUT'), location)).toMatch(
      /No answer from PingOne for list users/,
    );
    expect(explainFailure(new Error('plain'), location)).toBe('plain');
  });
});
