import { VENDOR_TYPES } from '../http.js';
import { listAll, managementCall, type ManagementContext } from './context.js';
import { deleteResource, seg, sendForObject } from './crud.js';
import type { Device, Population, User } from './types.js';

const user = (id: string) => `/users/${seg(id)}`;

export function listPopulations(ctx: ManagementContext): Promise<Population[]> {
  return listAll(ctx, 'list populations', '/populations', 'populations');
}

/** Step 10: `POST /populations`. */
export function createPopulation(
  ctx: ManagementContext,
  body: { name: string; description?: string },
): Promise<Population> {
  return sendForObject(ctx, 'create population', 'POST', '/populations', body);
}

/** A population that still holds users cannot be deleted: delete them first. */
export function deletePopulation(ctx: ManagementContext, id: string): Promise<boolean> {
  return deleteResource(ctx, 'delete population', `/populations/${seg(id)}`);
}

/**
 * The user with this exact username, if any. Asks PingOne with a SCIM filter and checks the
 * answer itself too (usernames compare case-insensitively in PingOne).
 */
export async function findUserByUsername(
  ctx: ManagementContext,
  username: string,
): Promise<User | undefined> {
  const users = await listAll<User>(ctx, 'find user', '/users', 'users', {
    filter: `username eq "${username}"`,
  });
  return users.find((u) => u.username?.toLowerCase() === username.toLowerCase());
}

/** The users of one population (SCIM filter, checked again here). */
export async function listUsersInPopulation(
  ctx: ManagementContext,
  populationId: string,
): Promise<User[]> {
  const users = await listAll<User>(ctx, 'list population users', '/users', 'users', {
    filter: `population.id eq "${populationId}"`,
  });
  return users.filter((u) => u.population?.id === populationId);
}

/** Step 11: `POST /users`. */
export function createUser(ctx: ManagementContext, body: Omit<User, 'id'>): Promise<User> {
  return sendForObject(ctx, 'create user', 'POST', '/users', body);
}

/** `PATCH /users/{id}`: changes only the attributes sent. */
export function patchUser(
  ctx: ManagementContext,
  id: string,
  body: Partial<Omit<User, 'id'>>,
): Promise<User> {
  return sendForObject(ctx, 'update user', 'PATCH', user(id), body);
}

/** Deletes the user and their devices. */
export function deleteUser(ctx: ManagementContext, id: string): Promise<boolean> {
  return deleteResource(ctx, 'delete user', user(id));
}

/** Step 12's body (`password.set+json`): a password the user need not change. */
export function passwordSetBody(value: string): { value: string; forceChange: boolean } {
  return { value, forceChange: false };
}

/** Step 13's body. */
export function mfaEnabledBody(mfaEnabled: boolean): { mfaEnabled: boolean } {
  return { mfaEnabled };
}

/**
 * Step 12: `PUT /users/{id}/password` with the vendor type `password.set+json` (the overview
 * prose says POST; the method line and Ping's SDK say PUT).
 */
export async function setUserPassword(
  ctx: ManagementContext,
  id: string,
  value: string,
): Promise<void> {
  await managementCall(ctx, 'set user password', 'PUT', `${user(id)}/password`, {
    json: passwordSetBody(value),
    contentType: VENDOR_TYPES.passwordSet,
  });
}

/**
 * `GET /users/{id}/password`: the password state (`OK`, `NO_PASSWORD`, `MUST_CHANGE_PASSWORD`,
 * …). A 404 counts as `NO_PASSWORD`.
 */
export async function readUserPasswordStatus(ctx: ManagementContext, id: string): Promise<string> {
  const path = `${user(id)}/password`;
  const res = await managementCall<{ status?: unknown }>(
    ctx,
    'read user password state',
    'GET',
    path,
    {
      okStatus: [404],
    },
  );
  if (res.status === 404) return 'NO_PASSWORD';
  return typeof res.body?.status === 'string' ? res.body.status : 'UNKNOWN';
}

/** Step 13: `PUT /users/{id}/mfaEnabled`. */
export async function setUserMfaEnabled(
  ctx: ManagementContext,
  id: string,
  mfaEnabled: boolean,
): Promise<void> {
  await managementCall(ctx, 'enable user MFA', 'PUT', `${user(id)}/mfaEnabled`, {
    json: mfaEnabledBody(mfaEnabled),
  });
}

/** `GET /users/{id}/mfaEnabled`. */
export async function readUserMfaEnabled(ctx: ManagementContext, id: string): Promise<boolean> {
  const path = `${user(id)}/mfaEnabled`;
  const res = await managementCall<{ mfaEnabled?: unknown }>(ctx, 'read user MFA', 'GET', path);
  return res.body?.mfaEnabled === true;
}

export function listUserDevices(ctx: ManagementContext, userId: string): Promise<Device[]> {
  return listAll(ctx, 'list user devices', `${user(userId)}/devices`, 'devices');
}

/**
 * Step 15: `POST /users/{id}/devices`. An admin-created device without `status` is ACTIVE at
 * once; PingOne may answer 200 or 201.
 */
export function createUserDevice(
  ctx: ManagementContext,
  userId: string,
  body: { type: 'SMS'; phone: string; policy?: { id: string }; status?: string },
): Promise<Device> {
  return sendForObject(ctx, 'create SMS device', 'POST', `${user(userId)}/devices`, body);
}

export function deleteUserDevice(
  ctx: ManagementContext,
  userId: string,
  deviceId: string,
): Promise<boolean> {
  return deleteResource(ctx, 'delete SMS device', `${user(userId)}/devices/${seg(deviceId)}`);
}
