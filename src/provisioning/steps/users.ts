import {
  deletePopulation,
  deleteUser,
  listUsersInPopulation,
  createPopulation,
  createUser,
  createUserDevice,
  deleteUserDevice,
  findUserByUsername,
  listPopulations,
  listUserDevices,
  patchUser,
  readUserMfaEnabled,
  readUserPasswordStatus,
  setUserMfaEnabled,
  setUserPassword,
  type DeviceAuthenticationPolicy,
  type Population,
  type User,
  type Device,
} from '../../pingone/management.js';
import { createOnce } from '../create-once.js';
import {
  desiredPopulation,
  desiredSmsDevice,
  desiredUser,
  phoneDigits,
  randomPassword,
  samePhone,
} from '../desired.js';
import { allNamed, ensure, madeOrRepaired, named } from '../ensure.js';
import type { Held, StepRow } from '../step-row.js';

type Person = Held<User> | undefined;

export const population: StepRow<Held<Population> | undefined> = {
  step: 10,
  name: 'population',
  find: [listPopulations],
  build: [desiredPopulation],
  create: [createPopulation],
  teardown: {
    find: ({ ctx, names }) => allNamed(ctx, listPopulations, names.populationName),
    remove: deletePopulation,
    after: [11],
  },
  run: async (plan) => {
    const { ctx, names } = plan;
    return ensure(plan, {
      find: named(plan, listPopulations, names.populationName),
      create: () => createPopulation(ctx, desiredPopulation(names.populationName)),
    });
  },
};

export const user: StepRow<Person> = {
  step: 11,
  name: 'user',
  find: [findUserByUsername],
  build: [desiredUser],
  compare: [phoneDigits],
  create: [createUser],
  update: [patchUser],
  teardown: {
    // Every user of our population (their devices, passwords and MFA go with them).
    name: 'users',
    find: async ({ ctx, found }) =>
      (await Promise.all((await found(10)).map((p) => listUsersInPopulation(ctx, p.id)))).flat(),
    remove: deleteUser,
  },
  check: {
    read: ({ ctx, input }) => findUserByUsername(ctx, input.username),
    items: (found: User | undefined, { userId }) => [['user exists', found?.id === userId]],
  },
  run: async (plan, ready) => {
    const { ctx, username, phone } = plan;
    const lookup = findUserByUsername(ctx, username);
    // Awaited below; this only keeps a failure from surfacing as unhandled meanwhile.
    lookup.catch(() => undefined);
    const pop = await plan.need<Held<Population> | undefined>(10);
    ready();
    const existing = await lookup;
    if (!existing && !pop) return { value: undefined, outcome: 'would-create' };
    return ensure(plan, {
      existing,
      find: () => findUserByUsername(ctx, username),
      create: () => createUser(ctx, desiredUser(username, phone, pop!.value.id)),
      drift: (u) =>
        phoneDigits(u.mobilePhone) === phoneDigits(phone) ? [] : ['mobile phone changed'],
      update: (u) => patchUser(ctx, u.id, { mobilePhone: phone }),
    });
  },
};

export const password: StepRow<undefined> = {
  step: 12,
  name: 'user password',
  find: [readUserPasswordStatus],
  create: [setUserPassword],
  run: async (plan, ready) => {
    const u = await plan.need<Person>(11);
    ready();
    if (!u) return { value: undefined, outcome: 'would-create' };
    // A run interrupted between the user and its password (steps 11-12) left none: set it.
    // Nobody signs on with it (the policy asks for the SMS code only).
    const status = u.fresh ? 'NO_PASSWORD' : await readUserPasswordStatus(plan.ctx, u.value.id);
    if (status !== 'NO_PASSWORD') return { value: undefined, outcome: 'reused' };
    const detail = 'no password';
    if (plan.dryRun)
      return { value: undefined, outcome: u.fresh ? 'would-create' : 'would-repair', detail };
    await setUserPassword(plan.ctx, u.value.id, randomPassword());
    return madeOrRepaired(u.fresh, detail);
  },
};

export const mfaOn: StepRow<undefined> = {
  step: 13,
  name: 'user MFA',
  find: [readUserMfaEnabled],
  create: [setUserMfaEnabled],
  check: {
    read: ({ found }) => found(11),
    items: (found: User | undefined) => [['user has MFA enabled', found?.mfaEnabled === true]],
  },
  run: async (plan, ready) => {
    const u = await plan.need<Person>(11);
    // Read only when the user object does not say.
    const on =
      !u || u.fresh
        ? false
        : (u.value.mfaEnabled ?? (await readUserMfaEnabled(plan.ctx, u.value.id)));
    ready();
    if (!u) return { value: undefined, outcome: 'would-create' };
    if (on) return { value: undefined, outcome: 'reused' };
    if (plan.dryRun) return { value: undefined, outcome: 'would-repair', detail: 'MFA off' };
    await setUserMfaEnabled(plan.ctx, u.value.id, true);
    return madeOrRepaired(u.fresh, 'MFA was off');
  },
};

export const smsDevice: StepRow<undefined> = {
  step: 15,
  name: 'SMS device',
  find: [listUserDevices],
  build: [desiredSmsDevice],
  compare: [samePhone],
  create: [createUserDevice],
  update: [deleteUserDevice, createUserDevice],
  check: {
    read: ({ ctx, input }) => listUserDevices(ctx, input.userId),
    items: (devices: Device[], input) => [
      [
        'user has an ACTIVE SMS device for the phone',
        devices.some(
          (d) =>
            d.type === 'SMS' &&
            (d.status ?? 'ACTIVE') === 'ACTIVE' &&
            samePhone(d.phone, input.phone),
        ),
      ],
    ],
  },
  run: async (plan, ready) => {
    const { ctx, phone } = plan;
    const [u, dap] = await Promise.all([
      plan.need<Person>(11),
      plan.need<Held<DeviceAuthenticationPolicy> | undefined>(14),
    ]);
    if (!u || !dap) return { value: undefined, outcome: 'would-create' };
    ready();
    const ours = (d: Device) => d.type === 'SMS' && samePhone(d.phone, phone);
    const active = (d: Device) => (d.status ?? 'ACTIVE') === 'ACTIVE';
    const mine = (u.fresh ? [] : await listUserDevices(ctx, u.value.id)).filter(ours);
    if (mine.some(active)) return { value: undefined, outcome: 'reused' };
    const detail = mine.length ? 'device not ACTIVE' : 'device missing';
    if (plan.dryRun)
      return { value: undefined, outcome: u.fresh ? 'would-create' : 'would-repair', detail };
    // An inactive device would still be offered: replace it.
    await Promise.all(mine.map((d) => deleteUserDevice(ctx, u.value.id, d.id)));
    await createOnce({
      find: async () => (await listUserDevices(ctx, u.value.id)).find((d) => ours(d) && active(d)),
      create: () => createUserDevice(ctx, u.value.id, desiredSmsDevice(phone, dap.value.id)),
      ...plan.retry,
    });
    return madeOrRepaired(u.fresh, detail);
  },
};
