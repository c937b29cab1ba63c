import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvFile, readEnvFile, updateEnvFile } from '../../src/env-file.js';

describe('env file', () => {
  it('parses comments, export, quotes and trailing comments', () => {
    expect(
      parseEnvFile(
        [
          '# comment',
          'A=1',
          'export B="two words"',
          "C='x # y'",
          'D=plain # note',
          'bad line',
          '',
        ].join('\n'),
      ),
    ).toEqual({ A: '1', B: 'two words', C: 'x # y', D: 'plain' });
  });

  it('leaves PingOne-style secrets unquoted so docker --env-file reads them the same', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'envfile-')), '.env');
    updateEnvFile(path, { PINGONE_CLIENT_SECRET: 'a~B.c-d_e=f' });
    expect(readFileSync(path, 'utf8')).toBe('PINGONE_CLIENT_SECRET=a~B.c-d_e=f\n');
  });

  it('reads a missing file as empty', () => {
    expect(readEnvFile(join(tmpdir(), 'does-not-exist-' + Date.now()))).toEqual({});
  });

  it('updates owned keys in place, keeps the rest, appends new ones, mode 0600', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'envfile-')), '.env');
    writeFileSync(path, '# mine\nPORT=4000\nPINGONE_CLIENT_ID=old\nOTHER=keep me\n', {
      mode: 0o644,
    });
    updateEnvFile(path, { PINGONE_CLIENT_ID: 'new', PINGONE_CLIENT_SECRET: 'a b#c' });
    expect(readFileSync(path, 'utf8')).toBe(
      '# mine\nPORT=4000\nPINGONE_CLIENT_ID=new\nOTHER=keep me\nPINGONE_CLIENT_SECRET="a b#c"\n',
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readEnvFile(path)).toMatchObject({ PINGONE_CLIENT_SECRET: 'a b#c', OTHER: 'keep me' });
  });
});
