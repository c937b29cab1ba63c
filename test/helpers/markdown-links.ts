import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** One link or image of a Markdown file: its target as written and the line it is on. */
export interface MarkdownLink {
  target: string;
  line: number;
}

/** The lines that Markdown renders as text: fenced code blocks (``` or ~~~) become empty lines. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

const withoutCodeSpans = (line: string): string => line.replace(/(`+)[^`]*?\1/g, '');

/** Every `[text](target)` and `![alt](target)` outside code, in order. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((line, index) => {
    for (const m of withoutCodeSpans(line).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: m[1]!, line: index + 1 });
    }
  });
  return links;
}

/**
 * The anchor GitHub gives a heading (github-slugger): the rendered text in lower case, every
 * character that is not a letter, digit, mark, `_`, `-` or space dropped, spaces as `-`.
 */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file offers: its headings (repeats get -1, -2, …) and `<a id|name>`. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/**
 * The relative links of `files` (paths from `root`) whose file or anchor does not exist, as
 * `file:line → target (why)`. Links with a scheme (`https:`, `mailto:`) are not followed.
 */
export function brokenLinks(root: string, files: string[]): string[] {
  const broken: string[] = [];
  for (const file of files) {
    const from = resolve(root, file);
    for (const { target, line } of markdownLinks(readFileSync(from, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#', 2);
      const to = path === '' ? from : resolve(dirname(from), decodeURIComponent(path));
      const where = `${file}:${line} → ${target}`;
      if (!to.startsWith(root) || !existsSync(to)) {
        broken.push(`${where} (no ${relative(root, to)} in the repository)`);
      } else if (anchor !== undefined && to.endsWith('.md')) {
        if (!markdownAnchors(readFileSync(to, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${where} (no heading #${anchor} in ${relative(root, to)})`);
        }
      }
    }
  }
  return broken;
}
