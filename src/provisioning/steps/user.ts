import { randomInt } from 'node:crypto';
import { PingOneError } from '../../pingone/pingone-error.js';
import { VENDOR_TYPES } from '../../pingone/wire.js';
import {
  apiPath,
  listAll,
  send,
  type ManagementContext,
  type Population,
  type User,
} from '../../pingone/management.js';
import {
  allNamed,
  findOrCreate,
  oldest,
  WOULD_CREATE,
  type Found,
  type ProvisionContext,
} from '../find-or-create.js';
import { phoneDigits } from './device.js';
import { runStep } from '../run-step.js';

export const listPopulations = (api: ManagementContext) =>
  listAll<Population>(api, 'list populations', '/populations', 'populations');

// PingOne compares usernames case-insensitively.
export async function findUser(api: ManagementContext, username: string) {
  const filter = `username eq "${username}"`;
  const users = await listAll<User>(api, 'find user', '/users', 'users', { filter });
  return users.find((u) => u.username?.toLowerCase() === username.toLowerCase());
}

export function desiredPopulation(name: string) {
  return {
    name,
    description: 'Demo users of the SMS transaction approval (created by npm run setup)',
  };
}

export function ensurePopulation(ctx: ProvisionContext) {
  const { api, names } = ctx;
  const body = desiredPopulation(names.populationName);
  return runStep(ctx, 10, () =>
    findOrCreate(ctx, {
      find: async () => oldest(allNamed(await listPopulations(api), names.populationName)),
      create: () => send<Population>(api, 'create population', 'POST', '/populations', body),
    }),
  );
}

// PingOne requires `email`: a placeholder at example.com (nothing is mailed: only SMS is enabled).
export function desiredUser(
  username: string,
  phone: string,
  populationId: string,
): Omit<User, 'id'> {
  const local = username.split('@')[0]!.replace(/[^A-Za-z0-9._+-]/g, '') || 'demo';
  return {
    username,
    email: username.includes('@') ? username : `${local}@example.com`,
    name: { given: 'Demo', family: 'Approver' },
    mobilePhone: phone,
    population: { id: populationId },
  };
}

// An existing user given with `--username` is used as it is, its phone set to ours.
export function ensureUser(ctx: ProvisionContext, population: Found<Population> | undefined) {
  const { api, username, phone } = ctx;
  return runStep(ctx, 11, () =>
    findOrCreate(ctx, {
      find: () => findUser(api, username),
      create: () => {
        // Only a dry run lacks the population, and a dry run creates nothing.
        const body = desiredUser(username, phone, population!.value.id);
        return send<User>(api, 'create user', 'POST', '/users', body);
      },
      drift: (u) =>
        phoneDigits(u.mobilePhone) === phoneDigits(phone) ? [] : ['mobile phone changed'],
      // PATCH changes only what it is sent.
      repair: (u) => {
        const path = apiPath`/users/${u.id}`;
        return send(api, 'update user', 'PATCH', path, { mobilePhone: phone });
      },
    }),
  );
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGIT = '23456789';
const SPECIAL = '!#%*-_.';

// Passes PingOne's standard password policy; nobody signs on with it (the policy asks only for the SMS code).
export function randomPassword(length = 24): string {
  const all = LOWER + UPPER + DIGIT + SPECIAL;
  const pick = (set: string) => set[randomInt(set.length)]!;
  for (;;) {
    const chars = [pick(LOWER), pick(UPPER), pick(DIGIT), pick(SPECIAL)];
    while (chars.length < length) chars.push(pick(all));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (!/(.)\1\1/.test(password)) return password;
  }
}

export function passwordSetBody(value: string) {
  return { value, forceChange: false };
}

/** `GET /users/{id}/password`: `OK`, `NO_PASSWORD`, `MUST_CHANGE_PASSWORD`…; a 404 is none. */
async function passwordStatus(api: ManagementContext, path: string): Promise<string> {
  try {
    const answer = await send<{ status?: unknown }>(api, 'read user password state', 'GET', path);
    return typeof answer.status === 'string' ? answer.status : 'UNKNOWN';
  } catch (error) {
    if (error instanceof PingOneError && error.status === 404) return 'NO_PASSWORD';
    throw error;
  }
}

// Set only when it has none. A PUT: the overview prose says POST (docs/pingone-contract.md §4).
export function setPassword(ctx: ProvisionContext, user: Found<User> | undefined) {
  const { api } = ctx;
  return runStep(ctx, 12, async () => {
    if (!user) return WOULD_CREATE;
    const path = apiPath`/users/${user.value.id}/password`;
    const status = user.fresh ? 'NO_PASSWORD' : await passwordStatus(api, path);
    if (status !== 'NO_PASSWORD') return { value: undefined, outcome: 'reused' };
    if (ctx.dryRun) return { value: undefined, outcome: 'would-repair', detail: 'no password' };
    const body = passwordSetBody(randomPassword());
    await send(api, 'set user password', 'PUT', path, body, VENDOR_TYPES.passwordSet);
    return user.fresh
      ? { value: undefined, outcome: 'created' }
      : { value: undefined, outcome: 'repaired', detail: 'no password' };
  });
}

export function mfaEnabledBody(mfaEnabled: boolean) {
  return { mfaEnabled };
}

async function mfaIsOn(api: ManagementContext, user: Found<User>, path: string) {
  if (user.fresh) return false;
  if (user.value.mfaEnabled !== undefined) return user.value.mfaEnabled;
  const answer = await send<{ mfaEnabled?: unknown }>(api, 'read user MFA', 'GET', path);
  return answer.mfaEnabled === true;
}

/** Authorize asks a user without MFA for no code. */
export function enableMfa(ctx: ProvisionContext, user: Found<User> | undefined) {
  const { api } = ctx;
  return runStep(ctx, 13, async () => {
    if (!user) return WOULD_CREATE;
    const path = apiPath`/users/${user.value.id}/mfaEnabled`;
    if (await mfaIsOn(api, user, path)) return { value: undefined, outcome: 'reused' };
    if (ctx.dryRun) return { value: undefined, outcome: 'would-repair', detail: 'MFA off' };
    await send(api, 'enable user MFA', 'PUT', path, mfaEnabledBody(true));
    return user.fresh
      ? { value: undefined, outcome: 'created' }
      : { value: undefined, outcome: 'repaired', detail: 'MFA was off' };
  });
}
