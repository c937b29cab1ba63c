import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { uniqueTransfer } from '../../scripts/soak/approve.js';
import { Browser, csrfOf } from '../../scripts/soak/browser.js';
import { redisInstancesForFile, type RedisInstances } from '../helpers/redis-instances.js';

/**
 * Issue 24, item 3: two instances on one redis-server count against the same address, user and
 * environment limits. Every start takes the form from one instance and sends it to the other
 * (the signed form cookie holds across instances too); each instance counting alone would
 * allow twice as many. Customers other than the demo user are unknown to PingOne, which refuses
 * them after the count: what is counted is the start that reached PingOne.
 */
const ENV = {
  TRUST_PROXY: 'loopback',
  RATE_LIMIT_SMS: '100/2/3',
  RATE_LIMIT_SMS_ENVIRONMENT: '7',
};

const stack: RedisInstances = await redisInstancesForFile(2, ENV, {
  approvalSubject: (req: Request) => req.get('x-customer') ?? stack.pingone.env.PINGONE_USERNAME!,
});

let n = 0;
/** A fresh browser: the form from one instance, sent to the other. */
async function start(address: string, customer?: string): Promise<number> {
  const [a, b] = n++ % 2 ? [stack.apps[1]!, stack.apps[0]!] : [stack.apps[0]!, stack.apps[1]!];
  const headers = { 'x-forwarded-for': address, ...(customer ? { 'x-customer': customer } : {}) };
  const browser = new Browser(a.url);
  const form = await browser.get('/', headers);
  browser.baseUrl = b.url;
  const page = await browser.post(
    '/approvals',
    { ...uniqueTransfer(n), _csrf: csrfOf(form.text) },
    headers,
  );
  if (page.status === 429) expect(page.text).toContain('TOO_MANY_CODES_SENT');
  return page.status;
}

describe('rate limits across two instances on Redis', () => {
  it('hold per address, per user and for the environment', async () => {
    const sms = () => stack.pingone.emulator.handle.sms(stack.pingone.phone).length;
    const before = sms();
    // Address: 2 in 15 minutes, whichever instance and browser.
    const address = [];
    for (const customer of ['c-1', 'c-2', 'c-3']) address.push(await start('192.0.2.10', customer));
    expect(address).toEqual([303, 303, 429]);
    // User (the demo user, who gets the SMS): 3 an hour, from four addresses.
    const user = [];
    for (let i = 1; i <= 4; i++) user.push(await start(`192.0.2.${20 + i}`));
    expect(user).toEqual([303, 303, 303, 429]);
    expect(sms() - before).toBe(3);
    // The environment: 7 an hour in all (2 + 3 counted so far), from new addresses and customers.
    const environment = [];
    for (let i = 1; i <= 3; i++) environment.push(await start(`192.0.2.${30 + i}`, `c-env-${i}`));
    expect(environment).toEqual([303, 303, 429]);
  }, 60_000);
});
