import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Parses the dotenv subset we write and document: `KEY=value`, optional `export `, single or
 * double quotes, `#` comments on their own line. Later keys win, as in Node's own loader.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1]!;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}

/** Reads an env file; a missing file is an empty one. */
export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnvFile(readFileSync(path, 'utf8'));
}

function quoteValue(value: string): string {
  // Unquoted whenever our parser and `docker run --env-file` (which keeps quotes literally) agree.
  return /^[A-Za-z0-9_./:@+~=,%-]*$/.test(value) ? value : JSON.stringify(value);
}

/**
 * The file a write to `path` replaces: `path` itself, or the file a symbolic link there points
 * to (a `.env` linked to a secrets folder on purpose stays a link, and its target is updated). A
 * link to nothing is refused (ENOENT) rather than guessed at.
 */
function writeTarget(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
  } catch {
    return path; // Not there yet: created.
  }
  return realpathSync(path);
}

/**
 * Replaces `path` with `text` whole or not at all, readable by its owner only. The new content
 * goes to a file of a random name beside the target, created exclusively (`wx`: whatever was
 * planted at that name, a symbolic link included, is an error and never followed), then renamed
 * over the target. A predictable temporary name would let anyone who can write the folder plant
 * a link there and receive the client secret.
 */
function replaceFileSecurely(path: string, text: string): void {
  const target = writeTarget(path);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      // The mode given to open is narrowed by the umask, never widened; this makes it exact.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Sets `values` in the env file at `path`, keeping every line it does not own (comments,
 * other keys, their order), through `replaceFileSecurely`: it holds the application's client
 * secret.
 */
export function updateEnvFile(path: string, values: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split(/\r?\n/) : [];
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const pending = new Map(Object.entries(values));
  const kept = lines.map((line) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    const key = match?.[1];
    if (key && pending.has(key)) {
      const value = pending.get(key)!;
      pending.delete(key);
      return `${key}=${quoteValue(value)}`;
    }
    return line;
  });
  for (const [key, value] of pending) kept.push(`${key}=${quoteValue(value)}`);
  replaceFileSecurely(path, kept.join('\n') + '\n');
}
