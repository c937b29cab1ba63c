import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * The files `file` imports or re-exports from src/, type-only imports included: a type cycle
 * still means neither module can be read, moved or tested without the other, and the layering
 * rules (the approval core knows nothing of the inspector) are about knowledge, not emitted code.
 */
function localImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  const targets: string[] = [];
  for (const spec of specifiers) {
    if (!spec.startsWith('.')) continue;
    const base = resolve(file, '..', spec);
    const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
    const target = candidates.find((c) => c.endsWith('.ts') && existsSync(c));
    if (!target) throw new Error(`${relative(root, file)}: cannot resolve ${spec}`);
    targets.push(target);
  }
  return targets;
}

/** One cycle per back edge a depth-first walk meets, each written a → b → … → a. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const seen = state.get(next);
      if (seen === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) graph.set(file, [...new Set(localImportsOf(file))].sort());
  return graph;
}

describe('src/ has no import cycles', () => {
  it('the walker sees the imports it must see', () => {
    const graph = importGraph();
    const app = join(src, 'app.ts');
    expect(graph.get(app)).toContain(join(src, 'config.ts'));
    expect(graph.size).toBeGreaterThan(50);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('no file reaches itself through its imports', () => {
    const cycles = findCycles(importGraph()).map((cycle) =>
      cycle.map((file) => relative(src, file)).join(' → '),
    );
    expect(cycles).toEqual([]);
  });
});

describe('file size', () => {
  // A file a reader takes in at once: a longer one holds two concepts, which want two files.
  it('no file in src/ is over 300 lines', () => {
    const long = sourceFiles(src)
      .map(
        (file) =>
          [relative(root, file), readFileSync(file, 'utf8').split('\n').length - 1] as const,
      )
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
