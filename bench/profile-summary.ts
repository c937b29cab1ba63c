import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by function. */
  functions: Array<{ name: string; where: string; selfMs: number; percent: number }>;
  /** Self time by package (node_modules/<name>), our own files, node internals, GC… */
  packages: Array<{ name: string; selfMs: number; percent: number }>;
}

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const own = /\/(src|bench|views)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]!.split('/')[0]}` : url;
}

/** Where an app's CPU went, from a V8 `.cpuprofile` (what `--cpu-prof` writes). */
export function summarizeProfile(path: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url
      ? `${url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const pkg = packageOf(url, name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    totalMs: Math.round(total / 1000),
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({
        name: f.name,
        where: f.where,
        selfMs: Math.round(f.us / 1000),
        percent: pct(f.us),
      })),
    packages: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), percent: pct(us) })),
  };
}

// `tsx bench/profile-summary.ts FILE.cpuprofile`: print the summary of one profile.
if (
  process.argv[1] &&
  import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))
) {
  const file = process.argv[2];
  if (!file) {
    console.error('Usage: tsx bench/profile-summary.ts FILE.cpuprofile');
    process.exit(2);
  }
  const summary = summarizeProfile(file, 30);
  console.log(`total ${summary.totalMs} ms\n\nby package:`);
  for (const p of summary.packages) console.log(`  ${String(p.percent).padStart(5)}%  ${p.name}`);
  console.log('\nby function (self):');
  for (const f of summary.functions)
    console.log(`  ${String(f.percent).padStart(5)}%  ${f.name}  ${f.where}`);
}
