import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';
import type { Problems } from './config-error.js';

/**
 * More proxies than this in front of one app is not a chain anyone runs (a CDN, a cloud load
 * balancer and an ingress are three). A count larger than the real chain makes Express take a
 * client-written X-Forwarded-For entry as the client's address, and the rate limits count
 * whatever address the client chose.
 */
export const MAX_PROXY_HOPS = 5;

/**
 * No private range is wider than 10.0.0.0/8 or fc00::/7 (`uniquelocal`); a wider subnet takes
 * in public addresses, so clients on the internet could name their own address.
 */
const WIDEST_PREFIX = { ipv4: 8, ipv6: 7 };

/** The prefix length of a subnet entry (`/24` or `/255.255.255.0`), or undefined. */
function prefixOf(mask: string): number | undefined {
  if (/^\d+$/.test(mask)) return Number(mask);
  if (!ipaddr.IPv4.isValidFourPartDecimal(mask)) return undefined;
  return ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask() ?? undefined;
}

/** Why a subnet entry trusts too many, or undefined (also when it is not a subnet at all). */
function tooWide(entry: string): string | undefined {
  const [address = '', mask, extra] = entry.split('/');
  if (mask === undefined || extra !== undefined || !ipaddr.isValid(address)) return undefined;
  let prefix = prefixOf(mask);
  if (prefix === undefined) return undefined;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    // proxy-addr reads ::ffff:a.b.c.d/n as the IPv4 subnet a.b.c.d/(n-96).
    ip = (ip as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  const kind = ip.kind();
  // On a dual-stack socket IPv4 clients arrive as ::ffff:a.b.c.d: a subnet holding all of those
  // trusts every IPv4 client.
  const holdsMapped =
    ip instanceof ipaddr.IPv6 && ipaddr.IPv6.parse('::ffff:0:0').match(ip, prefix);
  if (prefix < WIDEST_PREFIX[kind] || holdsMapped) {
    return (
      `"${entry}" takes in addresses on the internet, whose clients could then name their own ` +
      `address (at most /${WIDEST_PREFIX.ipv4} for IPv4, /${WIDEST_PREFIX.ipv6} for IPv6: the widest private ranges)`
    );
  }
  return undefined;
}

/** Whether proxy-addr, the parser Express uses for `trust proxy`, refuses one entry. */
function unreadable(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return false;
  } catch {
    return true;
  }
}

/** `TRUST_PROXY`: off, a number of hops, or a list of proxy addresses and subnets. */
export function parseTrustProxy(p: Problems, value: string | undefined): false | number | string[] {
  if (value === undefined || /^(0|false|off|no)$/i.test(value)) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_PROXY_HOPS) {
      p.add(
        `TRUST_PROXY=${value} counts more proxies than any real chain (at most ${MAX_PROXY_HOPS}): ` +
          'with more hops trusted than there are proxies, any client picks its own address with ' +
          'X-Forwarded-For. Give the exact number of proxies, or better their addresses',
      );
      return false;
    }
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim());
  // Checked first: proxy-addr refuses a /0 as merely unreadable.
  const wide = entries.map(tooWide).filter((why) => why !== undefined);
  const bad = entries.filter((e) => tooWide(e) === undefined && unreadable(e));
  if (wide.length) p.add(`TRUST_PROXY must name only the proxies: ${wide.join('; ')}`);
  if (bad.length) {
    p.add(
      `TRUST_PROXY must be off, a number of proxy hops, or a comma-separated list of the proxies' ` +
        `addresses or subnets (or loopback, linklocal, uniquelocal); "${bad.join('", "')}" is not`,
    );
  }
  return wide.length || bad.length ? false : entries;
}
