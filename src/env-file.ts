import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The dotenv subset we write and document. Later keys win, as in Node's own loader. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[match[1]!] = value;
  }
  return out;
}

/** A missing file is an empty one. */
export function readEnvFile(path: string): Record<string, string> {
  return fs.existsSync(path) ? parseEnvFile(fs.readFileSync(path, 'utf8')) : {};
}

function quoteValue(value: string): string {
  // Unquoted whenever our parser and `docker run --env-file` (which keeps quotes literally) agree.
  return /^[A-Za-z0-9_./:@+~=,%-]*$/.test(value) ? value : JSON.stringify(value);
}

/**
 * Whole or not at all, owner-only; a link stays a link. A random name created `wx`: a predictable
 * one would let anyone who can write the folder plant a link there and receive the secret.
 */
function replaceFileSecurely(path: string, text: string): void {
  const target = fs.lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()
    ? fs.realpathSync(path)
    : path;
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    try {
      // The mode given to open is narrowed by the umask, never widened; this makes it exact.
      fs.fchmodSync(fd, 0o600);
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/** Sets `values`, keeping every line it does not own (comments, other keys, their order). */
export function updateEnvFile(path: string, values: Record<string, string>): void {
  const lines = fs.existsSync(path) ? fs.readFileSync(path, 'utf8').split(/\r?\n/) : [];
  if (lines.at(-1) === '') lines.pop();
  const pending = new Map(Object.entries(values));
  const kept = lines.map((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!key || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key}=${quoteValue(value)}`;
  });
  for (const [key, value] of pending) kept.push(`${key}=${quoteValue(value)}`);
  replaceFileSecurely(path, kept.join('\n') + '\n');
}
