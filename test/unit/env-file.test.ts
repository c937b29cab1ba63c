import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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

  it('never writes through a symbolic link planted at a temporary name, old or guessed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    const path = join(dir, '.env');
    const victim = join(mkdtempSync(join(tmpdir(), 'victim-')), 'victim');
    writeFileSync(victim, 'untouched\n');
    // The name this function used before, the emulator's, and the new scheme without its random part.
    const planted = [`${path}.${process.pid}.tmp`, `${path}.tmp`, join(dir, '..env.tmp')];
    for (const link of planted) symlinkSync(victim, link);
    updateEnvFile(path, { PINGONE_CLIENT_SECRET: 'the-client-secret' });
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(readFileSync(path, 'utf8')).toBe('PINGONE_CLIENT_SECRET=the-client-secret\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const link of planted) expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // Nothing left behind beside them.
    expect(readdirSync(dir).sort()).toEqual([
      '..env.tmp',
      '.env',
      `.env.${process.pid}.tmp`,
      '.env.tmp',
    ]);
  });

  it('updates the target of a .env that is a symbolic link on purpose, and keeps the link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    mkdirSync(join(dir, 'secrets'));
    const target = join(dir, 'secrets', 'app.env');
    writeFileSync(target, 'OTHER=keep\n', { mode: 0o644 });
    symlinkSync(join('secrets', 'app.env'), join(dir, '.env'));
    updateEnvFile(join(dir, '.env'), { PINGONE_CLIENT_ID: 'id' });
    expect(lstatSync(join(dir, '.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('OTHER=keep\nPINGONE_CLIENT_ID=id\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'secrets'))).toEqual(['app.env']);
  });

  it('refuses a link to nothing instead of guessing where to create the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    symlinkSync(join(dir, 'missing', 'app.env'), join(dir, '.env'));
    expect(() => updateEnvFile(join(dir, '.env'), { A: '1' })).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    expect(readdirSync(dir)).toEqual(['.env']);
  });
});
