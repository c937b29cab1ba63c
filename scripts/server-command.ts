import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOCKERFILE = fileURLToPath(new URL('../Dockerfile', import.meta.url));

/**
 * The image's command (the last exec-form `CMD` of the Dockerfile), e.g.
 * `["node", "--max-old-space-size=1024", "dist/src/server.js"]`. `npm run bench -- --built`
 * starts the built server with exactly this, so that what it measures is what the image runs.
 */
export function serverCommand(dockerfile = DOCKERFILE): string[] {
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ');
  const commands = text
    .split('\n')
    .map((line) => /^CMD\s+(\[.*\])\s*$/.exec(line.trim())?.[1])
    .filter((json): json is string => json !== undefined);
  const last = commands.at(-1);
  if (!last) throw new Error(`${dockerfile}: no exec-form CMD`);
  const command = JSON.parse(last) as unknown;
  if (!Array.isArray(command) || !command.every((word) => typeof word === 'string')) {
    throw new Error(`${dockerfile}: CMD is not a list of strings`);
  }
  return command as string[];
}
