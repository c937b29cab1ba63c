/**
 * PingOne's flow cookies (`ST`, `ST-NO-SS`, …) as plain name=value pairs. A standard cookie jar
 * would drop them (their `Path` does not match the next call's path), and PingOne may rotate
 * them on any step, so the relying party keeps the latest value of each name per flow,
 * server-side, and replays all of them on every later call.
 */
export type CookieJar = Record<string, string>;

/** Applies `Set-Cookie` headers to a jar: new and rotated values win, expired ones are removed. */
export function mergeSetCookies(
  jar: CookieJar,
  setCookies: readonly string[],
  now = new Date(),
): CookieJar {
  const next: CookieJar = { ...jar };
  for (const header of setCookies) {
    const [pair, ...attributes] = header.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name) continue;
    if (value === '' || isExpired(attributes, now)) delete next[name];
    else next[name] = value;
  }
  return next;
}

function isExpired(attributes: string[], now: Date): boolean {
  for (const attribute of attributes) {
    const [rawKey, ...rest] = attribute.split('=');
    const key = rawKey?.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'max-age' && /^-?\d+$/.test(value) && Number(value) <= 0) return true;
    if (key === 'expires') {
      const at = Date.parse(value);
      if (!Number.isNaN(at) && at <= now.getTime()) return true;
    }
  }
  return false;
}

/** The `Cookie` header for a jar, or undefined when it is empty. */
export function cookieHeader(jar: CookieJar): string | undefined {
  const pairs = Object.entries(jar).map(([name, value]) => `${name}=${value}`);
  return pairs.length ? pairs.join('; ') : undefined;
}
