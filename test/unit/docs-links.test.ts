import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokenLinks,
  headingSlug,
  markdownAnchors,
  markdownLinks,
} from '../helpers/markdown-links.js';

const root = resolve(import.meta.dirname, '../..');
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README.md and docs/*.md', () => {
  it('every relative link and image names a file of the repository, and every anchor a heading', () => {
    expect(brokenLinks(root, ['README.md', ...docs])).toEqual([]);
  });

  it('README.md stays a front door of at most 10,000 bytes', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(10_000);
  });

  it("README.md's index links every file in docs/", () => {
    const linked = new Set(markdownLinks(readme).map(({ target }) => target.split('#')[0]!));
    expect(docs.filter((doc) => !linked.has(doc))).toEqual([]);
  });

  it('README.md links the step map, the table of all 19 steps and their code', () => {
    const walkthrough = readFileSync(join(root, 'docs/walkthrough.md'), 'utf8');
    const anchor = markdownLinks(readme)
      .map(({ target }) => /^docs\/walkthrough\.md#(.+)$/.exec(target)?.[1])
      .find((a) => a !== undefined);
    expect(anchor).toBeDefined();
    const section = walkthrough
      .split(/^(?=#{1,6} )/m)
      .find((part) => headingSlug(/^#+ (.*)/.exec(part)?.[1] ?? '') === anchor);
    expect(section).toContain('<!-- step map');
  });
});

describe('the link checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing file, a missing anchor and a link that leaves the repository', () => {
    mkdirSync(join(dir, 'docs'), { recursive: true });
    writeFileSync(join(dir, 'docs/a.md'), '# Title\n\n## `npm run setup` flags\n');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '[ok](docs/a.md#npm-run-setup-flags) [ok](#b) ![img](docs/a.md)',
        '## B',
        '[gone](docs/missing.md) [no anchor](docs/a.md#nope) [out](../../etc/passwd)',
        '`[in code](docs/missing.md)` [web](https://example.com/x.md)',
        '```',
        '[in a fence](docs/missing.md)',
        '```',
      ].join('\n'),
    );
    expect(brokenLinks(dir, ['README.md'])).toEqual([
      'README.md:3 → docs/missing.md (no docs/missing.md in the repository)',
      'README.md:3 → docs/a.md#nope (no heading #nope in docs/a.md)',
      expect.stringMatching(/^README\.md:3 → \.\.\/\.\.\/etc\/passwd \(no /),
    ]);
  });

  it('names headings as GitHub does: formatting and punctuation dropped, repeats numbered', () => {
    expect(headingSlug('6.16 Authorize without a redirect')).toBe(
      '616-authorize-without-a-redirect',
    );
    expect(headingSlug('Before the first approval: steps 1–15')).toBe(
      'before-the-first-approval-steps-115',
    );
    expect(headingSlug('**Use** [real](x.md) `PingOne`')).toBe('use-real-pingone');
    expect([...markdownAnchors('# Logs\n## Logs\n<a id="here"></a>\n')]).toEqual([
      'logs',
      'logs-1',
      'here',
    ]);
  });
});
