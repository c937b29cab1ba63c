import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

describe('bench/results/', () => {
  it('is ignored and holds no tracked file, so a bench run leaves the clone clean', () => {
    expect(git('ls-files', 'bench/results')).toBe('');
    for (const name of ['latest.json', 'compare-latest.json', 'bench-2026.json']) {
      expect(git('check-ignore', `bench/results/${name}`).trim()).toBe(`bench/results/${name}`);
    }
  });
});
