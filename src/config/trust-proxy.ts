import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';
import type { Settings } from './settings.js';

/**
 * A count larger than the real chain (a CDN, a load balancer and an ingress are three) makes
 * Express take a client-written X-Forwarded-For entry as the client's address.
 */
const MAX_PROXY_HOPS = 5;

/** No private range is wider than 10.0.0.0/8 or fc00::/7: a wider one takes in public addresses. */
const WIDEST_PREFIX = { ipv4: 8, ipv6: 7 };

/** Why a subnet entry (`/24` or `/255.255.255.0`) trusts too many, or undefined. */
function tooWide(entry: string): string | undefined {
  const [address = '', mask = '', extra] = entry.split('/');
  if (!mask || extra !== undefined || !ipaddr.isValid(address)) return undefined;
  let prefix = /^\d+$/.test(mask)
    ? Number(mask)
    : ipaddr.IPv4.isValidFourPartDecimal(mask)
      ? ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask()
      : null;
  if (prefix === null) return undefined;
  let ip = ipaddr.parse(address);
  if (ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress()) {
    // proxy-addr reads ::ffff:a.b.c.d/n as the IPv4 subnet a.b.c.d/(n-96).
    ip = ip.toIPv4Address();
    prefix -= 96;
  }
  // On a dual-stack socket IPv4 clients arrive as ::ffff:a.b.c.d: a subnet holding all of those
  // trusts every IPv4 client.
  const holdsMapped =
    ip instanceof ipaddr.IPv6 && ipaddr.IPv6.parse('::ffff:0:0').match(ip, prefix);
  if (prefix >= WIDEST_PREFIX[ip.kind()] && !holdsMapped) return undefined;
  return (
    `"${entry}" takes in addresses on the internet, whose clients could then name their own ` +
    `address (at most /${WIDEST_PREFIX.ipv4} for IPv4, /${WIDEST_PREFIX.ipv6} for IPv6: the widest private ranges)`
  );
}

function unreadable(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return false;
  } catch {
    return true;
  }
}

/** `TRUST_PROXY`: off, a number of hops, or a list of proxy addresses and subnets. */
export function parseTrustProxy(s: Settings): false | number | string[] {
  const value = s.str('TRUST_PROXY');
  if (value === undefined || /^(0|false|off|no)$/i.test(value)) return false;
  if (/^\d+$/.test(value)) {
    if (Number(value) <= MAX_PROXY_HOPS) return Number(value);
    s.add(
      `TRUST_PROXY=${value} counts more proxies than any real chain (at most ${MAX_PROXY_HOPS}): ` +
        'with more hops trusted than there are proxies, any client picks its own address with ' +
        'X-Forwarded-For. Give the exact number of proxies, or better their addresses',
    );
    return false;
  }
  const entries = value.split(',').map((e) => e.trim());
  // Checked first: proxy-addr refuses a /0 as merely unreadable.
  const wide = entries.map(tooWide).filter((why) => why !== undefined);
  const bad = entries.filter((e) => tooWide(e) === undefined && unreadable(e));
  if (wide.length) s.add(`TRUST_PROXY must name only the proxies: ${wide.join('; ')}`);
  if (bad.length) {
    s.add(
      `TRUST_PROXY must be off, a number of proxy hops, or a comma-separated list of the proxies' ` +
        `addresses or subnets (or loopback, linklocal, uniquelocal); "${bad.join('", "')}" is not`,
    );
  }
  return wide.length || bad.length ? false : entries;
}
