import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

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
 * Sets `values` in the env file at `path`, keeping every line it does not own (comments,
 * other keys, their order). The file is written atomically with mode 0600 because it holds the
 * application's client secret.
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
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, kept.join('\n') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
