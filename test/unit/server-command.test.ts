import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverCommand } from '../../scripts/server-command.js';

describe('serverCommand (the image command the Docker-steps test and the bench run)', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function dockerfile(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'server-command-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'Dockerfile'), text);
    return join(dir, 'Dockerfile');
  }

  it('takes the last exec-form CMD, not the HEALTHCHECK’s', () => {
    const file = dockerfile(
      [
        'FROM node:20 AS runtime',
        'HEALTHCHECK --interval=15s \\',
        '  CMD ["node", "-e", "process.exit(0)"]',
        'CMD ["node", "--flag", "dist/src/server.js"]',
      ].join('\n'),
    );
    expect(serverCommand(file)).toEqual(['node', '--flag', 'dist/src/server.js']);
  });

  it('refuses a Dockerfile without one', () => {
    expect(() => serverCommand(dockerfile('FROM node:20\nCMD node server.js\n'))).toThrow(
      /no exec-form CMD/,
    );
  });

  it('the project’s image runs the built server with node as PID 1', () => {
    const [node, ...rest] = serverCommand();
    expect(node).toBe('node');
    expect(rest.at(-1)).toBe('dist/src/server.js');
  });
});
