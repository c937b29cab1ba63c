import { randomUUID } from 'node:crypto';

/** A stored PingOne resource: its wire JSON (camelCase, as PingOne returns it, minus `_links`). */
export type Doc = Record<string, unknown> & { id: string };

/** The management resource families, keyed by the name of their `_embedded` list. */
export type Kind =
  | 'templates'
  | 'applications'
  | 'grants'
  | 'signOnPolicyAssignments'
  | 'resources'
  | 'scopes'
  | 'signOnPolicies'
  | 'actions'
  | 'contents'
  | 'populations'
  | 'users'
  | 'devices'
  | 'deviceAuthenticationPolicies';

/** One PingOne environment, in memory. Secrets and passwords live beside the docs, never in them. */
export interface Environment {
  id: string;
  organizationId: string;
  docs: Map<Kind, Map<string, Doc>>;
  secrets: Map<string, { secret: string; previous?: { secret: string; expiresAt: string } }>;
  passwords: Map<string, { value: string; forceChange: boolean }>;
}

export type Store = Map<string, Environment>;

export function createEnvironment(store: Store, id: string): Environment {
  const env: Environment = {
    id,
    organizationId: randomUUID(),
    docs: new Map(),
    secrets: new Map(),
    passwords: new Map(),
  };
  store.set(id, env);
  return env;
}

export function docs(env: Environment, kind: Kind): Map<string, Doc> {
  let map = env.docs.get(kind);
  if (!map) {
    map = new Map();
    env.docs.set(kind, map);
  }
  return map;
}

export function field(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function list(env: Environment, kind: Kind, parentField?: string, parentId?: string): Doc[] {
  const all = [...docs(env, kind).values()];
  return parentField === undefined ? all : all.filter((d) => field(d, parentField) === parentId);
}

/** Usernames are case-insensitive. */
export function userNamed(env: Environment, username: string): Doc | undefined {
  return list(env, 'users').find(
    (u) => String(u.username).toLowerCase() === username.toLowerCase(),
  );
}

export function find(env: Environment, kind: Kind, id: string): Doc | undefined {
  return docs(env, kind).get(id);
}

/** A body read back and sent again carries read-only fields: PingOne sets those itself. */
export function ownFields(fields: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = { ...fields };
  for (const key of ['_links', 'id', 'environment', 'createdAt', 'updatedAt']) delete own[key];
  return own;
}

export function save(
  env: Environment,
  kind: Kind,
  fields: Record<string, unknown>,
  now: number,
  existing?: Doc,
): Doc {
  const at = new Date(now).toISOString();
  const doc: Doc = {
    ...ownFields(fields),
    id: existing?.id ?? randomUUID(),
    environment: { id: env.id },
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  };
  docs(env, kind).set(doc.id, doc);
  return doc;
}

export function remove(env: Environment, kind: Kind, id: string): boolean {
  return docs(env, kind).delete(id);
}
