import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/pingone/http.js';
import { listAll, type ManagementContext } from '../../../src/pingone/management.js';
import { pingoneUrls } from '../../../src/pingone/urls.js';

const ENV = '11111111-1111-4111-8111-111111111111';

function ctxWith(pages: Record<string, unknown>, seen: string[]): ManagementContext {
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    seen.push(`${url} ${(init?.headers as Record<string, string>).Authorization}`);
    const body = pages[url];
    if (!body) return new Response('{"code":"NOT_FOUND","id":"x"}', { status: 404 });
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/hal+json' },
    });
  }) as typeof fetch;
  return {
    http: createHttpClient({ fetch: fn }),
    urls: pingoneUrls({ environmentId: ENV, region: 'com' }),
    token: { get: async () => 'T', invalidate: () => {} },
  };
}

describe('listAll', () => {
  it('follows _links.next.href and gathers every page', async () => {
    const base = `https://api.pingone.com/v1/environments/${ENV}/users`;
    const seen: string[] = [];
    const ctx = ctxWith(
      {
        [`${base}?filter=username%20eq%20%22a%22`]: {
          _embedded: { users: [{ id: '1' }] },
          _links: { next: { href: `${base}?cursor=2` } },
        },
        [`${base}?cursor=2`]: { _embedded: { users: [{ id: '2' }] }, _links: {} },
      },
      seen,
    );
    const users = await listAll<{ id: string }>(ctx, 'find user', '/users', 'users', {
      filter: 'username eq "a"',
    });
    expect(users.map((u) => u.id)).toEqual(['1', '2']);
    expect(seen.every((s) => s.endsWith(' Bearer T'))).toBe(true);
  });

  it('never sends the token to another host named by a next link', async () => {
    const base = `https://api.pingone.com/v1/environments/${ENV}/applications`;
    const seen: string[] = [];
    const ctx = ctxWith(
      {
        [base]: {
          _embedded: { applications: [{ id: 'a' }] },
          _links: { next: { href: 'https://evil.example/steal' } },
        },
      },
      seen,
    );
    const apps = await listAll(ctx, 'list applications', '/applications', 'applications');
    expect(apps).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });

  it('stops on a next link that points back at a page already read', async () => {
    const base = `https://api.pingone.com/v1/environments/${ENV}/populations`;
    const seen: string[] = [];
    const ctx = ctxWith(
      { [base]: { _embedded: { populations: [{ id: 'p' }] }, _links: { next: { href: base } } } },
      seen,
    );
    expect(await listAll(ctx, 'list populations', '/populations', 'populations')).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });
});
