import { describe, expect, it } from 'vitest';
import { cookieHeader, mergeSetCookies } from '../../../src/pingone/flow/flow-client.js';

const now = new Date('2026-01-01T00:00:00Z');

describe('mergeSetCookies', () => {
  it('keeps name=value pairs whatever their Path, and rotated values replace old ones', () => {
    const first = mergeSetCookies(
      {},
      ['ST=one; Path=/env/; HttpOnly; SameSite=Lax', 'ST-NO-SS=two; Path=/env/; HttpOnly'],
      now,
    );
    expect(first).toEqual({ ST: 'one', 'ST-NO-SS': 'two' });
    const rotated = mergeSetCookies(first, ['ST=three; Path=/env/'], now);
    expect(rotated).toEqual({ ST: 'three', 'ST-NO-SS': 'two' });
    expect(first.ST).toBe('one');
  });

  it('drops cookies PingOne expires or empties', () => {
    const jar = { ST: 'a', 'ST-NO-SS': 'b', X: 'c' };
    expect(
      mergeSetCookies(
        jar,
        ['ST=; Max-Age=0', 'ST-NO-SS=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'X=d; Max-Age=60'],
        now,
      ),
    ).toEqual({ X: 'd' });
  });

  it('keeps a value that contains "=" and ignores malformed headers', () => {
    expect(mergeSetCookies({}, ['T=a=b==; Path=/', 'garbage', '=novalue'], now)).toEqual({
      T: 'a=b==',
    });
  });
});

describe('cookieHeader', () => {
  it('joins the pairs and is undefined for an empty jar', () => {
    expect(cookieHeader({ ST: 'a', 'ST-NO-SS': 'b' })).toBe('ST=a; ST-NO-SS=b');
    expect(cookieHeader({})).toBeUndefined();
  });
});
