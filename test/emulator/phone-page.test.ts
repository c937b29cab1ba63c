import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startProvisionedTestEmulator } from '../helpers/emulator.js';
import {
  approve,
  authorize,
  call,
  flowCall,
  lastOtp,
  management,
  PHONE,
  requestJwt,
  type Provisioned,
} from './fixture.js';

/**
 * Issue 25: a presenter must not type a stale code. Over HTTP, the outbox JSON and the phone page
 * (as it renders without script) tell the newest waiting code per number from the rest.
 */
const OTHER_PHONE = '+15555550199';

let em: RunningEmulator;
let p: Provisioned;

beforeEach(async () => {
  ({ em, p } = await startProvisionedTestEmulator());
  return () => em.close();
});

interface Listed {
  to: string;
  otp: string;
  sentAt: string;
  status: string;
}

async function outbox(query = ''): Promise<Listed[]> {
  const res = await call(`${em.url}/__emulator/sms${query}`);
  expect(res.status).toBe(200);
  return res.body as Listed[];
}

/** The phone page's items, in page order, as a reader without script gets them. */
async function phoneItems(query = '') {
  const res = await call(`${em.url}/__emulator/phone${query}`);
  expect(res.status).toBe(200);
  const inbox = /<ul class="inbox"[^>]*>([\s\S]*?)<\/ul>/.exec(res.text)![1]!;
  return [...inbox.matchAll(/<li class="sms"([^>]*)>([\s\S]*?)<\/li>/g)].map(([, attrs, body]) => ({
    status: /data-status="([^"]+)"/.exec(attrs!)![1],
    current: attrs!.includes('aria-current="true"'),
    label: /<span class="status">([^<]*)<\/span>/.exec(body!)![1],
    to: /<span class="to">([^<]*)<\/span>/.exec(body!)![1],
    time: /<time datetime="([^"]+)">([^<]*)<\/time>/.exec(body!)!.slice(1),
    text: /<span class="text">([^<]*)<\/span>/.exec(body!)![1],
  }));
}

/** A second demo user with a phone of its own, signed on the way setup does it. */
async function secondUser(): Promise<string> {
  const m = management(em, p.token);
  const user = await m.post('/users', {
    username: 'second-approver',
    email: 'second-approver@example.com',
    name: { given: 'Second', family: 'Approver' },
    mobilePhone: OTHER_PHONE,
    population: { id: p.populationId },
  });
  expect(user.status).toBe(201);
  const mfa = await m.put(`/users/${user.body.id}/mfaEnabled`, { mfaEnabled: true });
  expect(mfa.status).toBe(200);
  const device = await m.post(`/users/${user.body.id}/devices`, {
    type: 'SMS',
    phone: OTHER_PHONE,
    policy: { id: p.devicePolicyId },
  });
  expect(device.status).toBe(201);
  return user.body.id as string;
}

const wrongCode = (otp: string) => (otp === '000000' ? '111111' : '000000');

describe('GET /__emulator/sms and /__emulator/phone: which code is current', () => {
  it('two codes to one number: the newer is current, the older replaced by it', async () => {
    await authorize(em, p);
    await authorize(em, p);
    const [newer, older] = await outbox();
    expect(newer).toMatchObject({ to: PHONE, status: 'current' });
    expect(older).toMatchObject({ to: PHONE, status: 'replaced' });
    expect(newer!.otp).toBe(lastOtp(em));

    const items = await phoneItems();
    expect(items.map(({ status, current, label }) => [status, current, label])).toEqual([
      ['current', true, 'Current code'],
      ['replaced', false, 'Replaced by a newer code'],
    ]);
    expect(items[0]!.text).toContain(`Code: ${newer!.otp}`);
    expect(items[1]!.text).toContain(`Code: ${older!.otp}`);
    // The absolute time is written by the server, so it is there without script.
    expect(items[0]!.time).toEqual([newer!.sentAt, `${newer!.sentAt.slice(11, 19)} UTC`]);
    expect(items[0]!.time[1]).toMatch(/^\d\d:\d\d:\d\d UTC$/);
  });

  it('two numbers: each has its own current code, and ?to= keeps the status', async () => {
    const other = await secondUser();
    await authorize(em, p);
    await authorize(em, p, { jwt: await requestJwt(em, p, { sub: other }) });
    await authorize(em, p);
    const listed = await outbox();
    expect(listed.map(({ to, status }) => [to, status])).toEqual([
      [PHONE, 'current'],
      [OTHER_PHONE, 'current'],
      [PHONE, 'replaced'],
    ]);
    const items = await phoneItems();
    expect(items.map(({ to, status }) => [to, status])).toEqual([
      [PHONE, 'current'],
      [OTHER_PHONE, 'current'],
      [PHONE, 'replaced'],
    ]);
    expect(items.filter((i) => i.current)).toHaveLength(2);
    const filtered = await phoneItems(`?to=${encodeURIComponent(OTHER_PHONE)}`);
    expect(filtered.map(({ to, status }) => [to, status])).toEqual([[OTHER_PHONE, 'current']]);
    expect((await outbox(`?to=${encodeURIComponent(PHONE)}`)).map((m) => m.status)).toEqual([
      'current',
      'replaced',
    ]);
  });

  it('a code its flow accepted is used, even when it is the newest', async () => {
    await approve(em, p);
    expect((await outbox()).map((m) => m.status)).toEqual(['used']);
    await authorize(em, p);
    expect((await outbox()).map((m) => m.status)).toEqual(['current', 'used']);
    const items = await phoneItems();
    expect(items.map((i) => i.label)).toEqual(['Current code', 'Used: code accepted']);
    expect(items.map((i) => i.current)).toEqual([true, false]);
  });

  it('a code wrong too often is locked, and one past its lifetime expired', async () => {
    const { res, cookies } = await authorize(em, p);
    for (let i = 0; i < 3; i++) {
      expect(
        (await flowCall(em, res.body.id, cookies, { otp: wrongCode(lastOtp(em)) })).status,
      ).toBe(400);
    }
    expect((await outbox()).map((m) => m.status)).toEqual(['locked']);
    await authorize(em, p);
    expect((await outbox()).map((m) => m.status)).toEqual(['current', 'locked']);
    em.handle.advanceTime(5 * 60 * 1000);
    expect((await outbox()).map((m) => m.status)).toEqual(['expired', 'locked']);
    expect((await phoneItems()).map((i) => [i.label, i.current])).toEqual([
      ['Expired', false],
      ['Locked: too many wrong codes', false],
    ]);
  });

  it('the page tells the script the emulator clock, which tests move, for "how long ago"', async () => {
    em.handle.advanceTime(60 * 60 * 1000);
    const before = Date.now() + 60 * 60 * 1000;
    const page = await call(`${em.url}/__emulator/phone`);
    const now = Number(/data-now="(\d+)"/.exec(page.text)![1]);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000);
  });
});
