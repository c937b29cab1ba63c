import { isIP } from 'node:net';
import type { Problems } from './config-error.js';

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, `address/prefix` or `address/netmask`, as proxy-addr (Express) reads them. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', mask, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (mask === undefined) return true;
  if (/^\d+$/.test(mask)) return Number(mask) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(mask) === 4;
}

/** `TRUST_PROXY`: off, a number of hops, or a list of proxy addresses and subnets. */
export function parseTrustProxy(p: Problems, value: string | undefined): false | number | string[] {
  if (value === undefined || /^(0|false|off|no)$/i.test(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (bad.length) {
    p.add(
      `TRUST_PROXY must be off, a number of proxy hops, or a comma-separated list of the proxies' ` +
        `addresses or subnets (or loopback, linklocal, uniquelocal); "${bad.join('", "')}" is not`,
    );
    return false;
  }
  return entries;
}
