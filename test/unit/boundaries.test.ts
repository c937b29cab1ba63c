import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|js)$/.test(name)) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)];
  return specifiers.map((m) => m[1]!);
}

// docs/pingone-contract.md §8: the emulator stands in for a foreign system; if it shared code with the clients,
// a mistake on both sides would pass every test.
describe('module boundaries', () => {
  it('src/emulator imports nothing from the rest of src/', () => {
    const emulatorDir = join(root, 'src/emulator');
    const offenders: string[] = [];
    for (const file of sourceFiles(emulatorDir)) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(file, '..', spec);
        if (!target.startsWith(emulatorDir)) offenders.push(`${relative(root, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only server.ts imports the emulator from src/', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => !file.includes(`${join('src', 'emulator')}`))
      .filter((file) => !file.endsWith(join('src', 'server.ts')))
      .filter((file) => importsOf(file).some((spec) => /(^|\/)emulator(\/|\.js|$)/.test(spec)))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  // The inspector only subscribes (approval.event, pingone.call): the composition root mounts
  // it as one of the app's extensions, and nothing else in src/ knows it exists.
  it('only server.ts imports the inspector from src/', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => !file.includes(`${join('src', 'inspector')}`))
      .filter((file) => !file.endsWith(join('src', 'server.ts')))
      .filter((file) => importsOf(file).some((spec) => /(^|\/)inspector\//.test(spec)))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  // The approval core tells what happened on its approval.event channel; it must work, and
  // be understood, without knowing that an inspector exists.
  it('src/approval imports nothing from src/inspector', () => {
    const approvalDir = join(root, 'src/approval');
    const inspectorDir = join(root, 'src/inspector');
    const offenders: string[] = [];
    for (const file of sourceFiles(approvalDir)) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        if (resolve(file, '..', spec).startsWith(inspectorDir)) {
          offenders.push(`${relative(root, file)} → ${spec}`);
        }
      }
    }
    expect(sourceFiles(approvalDir).length).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });

  // The inspector learns what happened from the approval core's events and its own
  // request scope; only its HTTP side (middleware, trace route) sees the express request.
  it('src/inspector reads nothing from req outside inspector-http.ts', () => {
    const inspectorDir = join(root, 'src/inspector');
    const files = sourceFiles(inspectorDir);
    expect(files.map((f) => relative(inspectorDir, f))).toContain('inspector-http.ts');
    const offenders = files
      .filter((file) => !file.endsWith(join('inspector', 'inspector-http.ts')))
      .filter((file) => {
        const text = readFileSync(file, 'utf8');
        return /\breq\b/.test(text) || /import[^;]*\bRequest\b[^;]*from 'express'/.test(text);
      })
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  // Metrics and traces only subscribe to the observation channels: the core must work, and be
  // read, without them; the composition root alone starts them.
  it('only server.ts imports src/telemetry', () => {
    const telemetryDir = join(root, 'src/telemetry');
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => !file.startsWith(telemetryDir))
      .filter((file) => !file.endsWith(join('src', 'server.ts')))
      .filter((file) =>
        importsOf(file).some(
          (spec) => spec.startsWith('.') && resolve(file, '..', spec).startsWith(telemetryDir),
        ),
      )
      .map((file) => relative(root, file));
    // The scan sees the folder: its entry point among its files.
    expect(sourceFiles(telemetryDir)).toContain(join(telemetryDir, 'start-telemetry.ts'));
    expect(offenders).toEqual([]);
  });

  it('process.env is read only in src/config.ts', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => !file.endsWith(join('src', 'config.ts')))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  // The emulator is PingOne itself (its resources carry PingOne's audiences), so it is exempt.
  it('PingOne hostnames are built only in src/pingone/urls.ts', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => !file.endsWith(join('pingone', 'urls.ts')))
      .filter((file) => !file.includes(join('src', 'emulator')))
      .filter((file) => /pingone\.(com|ca|eu|sg|asia)\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});

const files = ['src', 'test', 'scripts', 'bench'].flatMap((d) => sourceFiles(join(root, d)));
const doc = readFileSync(join(root, 'docs/pingone-contract.md'), 'utf8');
const sections = new Set([...doc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]!));

describe('comments cite the contract inside the repository', () => {
  it('every "docs/pingone-contract.md §N" names a section that exists', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(
        /pingone-contract\.md §(\d+(?:\.\d+)?)/g,
      )) {
        if (!sections.has(m[1]!)) broken.push(`${relative(root, file)}: §${m[1]}`);
      }
    }
    expect(sections.has('6.19')).toBe(true);
    expect(broken).toEqual([]);
  });

  it('no source file points at a document outside the repository', () => {
    const outside = files
      .filter((f) => /\/work\/shared|\.\.\/shared\/|\bdesign\.md\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f))
      .filter((f) => f !== 'test/unit/boundaries.test.ts');
    expect(outside).toEqual([]);
  });
});
