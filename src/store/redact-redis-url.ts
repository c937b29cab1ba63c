/**
 * The Redis URL as it may appear in logs and errors: the password (and a lone username that
 * Redis treats as the password, `redis://secret@host`) replaced by `***`.
 */
export function redactRedisUrl(redisUrl: string): string {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    // Not parseable, so we cannot tell which part is secret: show only the scheme.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(redisUrl)?.[0] ?? '';
    return `${scheme}//***`;
  }
  if (url.password) url.password = '***';
  else if (url.username) url.username = '***';
  return url.toString();
}

/** Removes every secret part of `redisUrl` from `text` (error messages from the client). */
export function scrubRedisSecrets(text: string, redisUrl: string): string {
  let secrets: string[];
  try {
    const url = new URL(redisUrl);
    secrets = [url.password, decodeURIComponent(url.password)];
    if (!url.password && url.username) secrets.push(url.username, decodeURIComponent(url.username));
  } catch {
    secrets = [redisUrl];
  }
  let out = text.split(redisUrl).join(redactRedisUrl(redisUrl));
  for (const secret of secrets.filter((s) => s.length > 0)) out = out.split(secret).join('***');
  return out;
}
