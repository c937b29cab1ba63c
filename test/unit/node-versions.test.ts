import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The Node versions are named in several files that no one build reads together: CI installs
// the pins, the image names a tag, npm reads engines, tsc reads the types. These keep them on
// one story when one of them moves.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(ROOT + path, 'utf8');

function pin(name: string): string {
  const m = new RegExp(`^${name}=(\\S+)`, 'm').exec(read('scripts/ci/node-versions.sh'));
  if (!m?.[1]) throw new Error(`scripts/ci/node-versions.sh sets no ${name}`);
  return m[1];
}
const version = (v: string): number[] => v.split('.').map(Number);
const notBelow = (a: string, b: string): boolean => {
  const [x, y] = [version(a), version(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
};
const major = (v: string): string => v.split('.')[0] ?? '';

describe('Node versions (scripts/ci/node-versions.sh, the image, engines, @types/node)', () => {
  const pkg = JSON.parse(read('package.json')) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  const floor = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1] ?? 'none';

  it('pins exact releases for CI and the stand-in base', () => {
    for (const name of ['NODE_24_VERSION', 'NODE_22_VERSION', 'NPM_VERSION']) {
      expect(pin(name), name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('builds every image stage, the stand-ins and the smoke on the pinned Node 24 line', () => {
    const want = `node:${major(pin('NODE_24_VERSION'))}-bookworm-slim`;
    const files = [
      'Dockerfile',
      'scripts/image/base-image.sh',
      'scripts/image/services.Containerfile',
      'scripts/image-smoke.sh',
    ];
    const tags = files.flatMap((f) =>
      [...read(f).matchAll(/\bnode:\d+(?:\.\d+)*(?:-[a-z]+)+/g)].map((m) => m[0]),
    );
    expect(read('Dockerfile').match(/^FROM node:\S+/gm)).toEqual([
      `FROM ${want}`,
      `FROM ${want}`,
      `FROM ${want}`,
    ]);
    expect(new Set(tags)).toEqual(new Set([want]));
  });

  it('engines starts at the Node 22 line CI tests, and the types are that line’s', () => {
    expect(floor, `engines.node ${pkg.engines.node}`).toMatch(/^\d/);
    expect(major(floor)).toBe(major(pin('NODE_22_VERSION')));
    expect(notBelow(pin('NODE_22_VERSION'), floor)).toBe(true);
    expect(notBelow(pin('NODE_24_VERSION'), floor)).toBe(true);
    expect(major(pkg.devDependencies['@types/node'] ?? '')).toBe(major(floor));
  });

  it('runs on a Node that engines allows', () => {
    expect(notBelow(process.versions.node, floor), process.version).toBe(true);
  });
});
