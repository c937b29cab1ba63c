import { readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

/**
 * Issue 24, item 3: behind compose.yaml's nginx every client shared one rate-limit address,
 * because the app trusted no proxy. The app services trust exactly nginx's fixed address, which
 * the network's dynamic range leaves out; scripts/image-smoke.sh's Podman topology is the same.
 */
const compose = readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8');
const smoke = readFileSync(new URL('../../scripts/image-smoke.sh', import.meta.url), 'utf8');

function one(text: string, pattern: RegExp): string {
  const matches = [...text.matchAll(new RegExp(pattern, 'g'))];
  expect(matches, String(pattern)).toHaveLength(1);
  return matches[0]![1]!;
}

function inSubnet(address: string, cidr: string): boolean {
  const [network, prefix] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(network!, Number(prefix));
  return list.check(address);
}

describe('compose.yaml trusts exactly its proxy', () => {
  const network = () => ({
    trusted: one(compose, /TRUST_PROXY: (\S+)/),
    lb: one(compose, /ipv4_address: (\S+)/),
    subnet: one(compose, /subnet: (\S+)/),
    range: one(compose, /ip_range: (\S+)/),
  });

  it("names nginx's fixed address, inside the subnet and outside the addresses handed out", () => {
    const { trusted, lb, subnet, range } = network();
    expect(trusted).toBe(lb);
    expect(inSubnet(lb, subnet)).toBe(true);
    expect(inSubnet(lb, range)).toBe(false);
    expect(loadConfig({ TRUST_PROXY: trusted }).trustProxy).toEqual([lb]);
  });

  it("scripts/image-smoke.sh's two-instance run uses the same network, address and setting", () => {
    const { lb, subnet } = network();
    expect(one(smoke, /LB_IP=(\S+)/)).toBe(lb);
    expect(one(smoke, /network create --subnet (\S+) /)).toBe(subnet);
    // Podman's CNI backend refuses a requested --ip outside --ip-range (Docker takes it), so the
    // smoke's network has no range: its few containers are handed .2, .3, … and never lb's.
    expect(smoke).not.toMatch(/--ip-range/);
    expect(smoke).toMatch(/-e TRUST_PROXY=\$LB_IP/);
    expect(smoke).toMatch(/"\$NAME-lb" "\$\{on_net\[@\]\}" --ip "\$LB_IP"/);
  });
});
