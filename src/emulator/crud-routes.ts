import type { Request, Response, Router } from 'express';
import type { Context } from './context.js';
import { Checker, isObject, uniquenessViolation } from './checker.js';
import type { ManagementResource } from './management-rules.js';
import { HAL_JSON } from './constants.js';
import { notFound, unsupportedMediaType } from './p1-error.js';
import { scimFilter } from './scim-filter.js';
import {
  field,
  find,
  save,
  list,
  ownFields,
  remove,
  type Doc,
  type Environment,
  type Kind,
} from './store.js';

interface CrudScope {
  env: Environment;
  parentId?: string;
  existing?: Doc;
}

/** One management resource family; without `build` it is read-only (the built-in resources). */
interface CrudSpec {
  kind: Kind;
  /** Under `/environments/:envId`, e.g. `/applications/:appId/grants`. */
  path: string;
  what: string;
  parent?: { param: string; kind: Kind; field: string; what: string };
  rules?: ManagementResource;
  build?(checker: Checker, scope: CrudScope): Record<string, unknown>;
  /**
   * The fields no two docs may share (within the parent, if any); a clash names the last of them.
   * `ignoreCase` names the ones PingOne compares case-insensitively (names, a content's variant).
   */
  unique?: { keys: string[]; ignoreCase?: string[] };
  afterCreate?(doc: Doc, scope: CrudScope): void;
  beforeDelete?(doc: Doc, scope: CrudScope): void;
  /** The docs PingOne deletes with this one: those of `kind` whose `field` holds its id. */
  cascade?: { kind: Kind; field: string }[];
  /** `put` replaces, `patch` merges; PingOne offers one or both per family. */
  updates?: ('put' | 'patch')[];
  createStatus?: number;
}

export function envOf(req: Request): Environment {
  return (req as Request & { p1Env: Environment }).p1Env;
}

export function sendHal(res: Response, status: number, body: unknown): void {
  res.status(status).type(HAL_JSON).send(JSON.stringify(body));
}

/** The media type without parameters, lower-cased (case-insensitive, RFC 9110 §8.3.1). */
export function mediaTypeOf(req: Request): string | undefined {
  return req.get('content-type')?.split(';')[0]!.trim().toLowerCase();
}

/** 415 unless the body is `expected` (docs/pingone-contract.md §2: vendor types are enforced). */
export function requireJsonType(req: Request, expected = 'application/json'): void {
  const type = mediaTypeOf(req);
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  if ((hasBody || type !== undefined) && type !== expected) throw unsupportedMediaType(expected);
}

export function crudRoutes(router: Router, ctx: Context, spec: CrudSpec): void {
  const scopeOf = (req: Request): CrudScope => {
    const env = envOf(req);
    if (!spec.parent) return { env };
    const parentId = String(req.params[spec.parent.param]);
    if (!find(env, spec.parent.kind, parentId)) throw notFound(spec.parent.what, parentId);
    return { env, parentId };
  };
  const load = (req: Request, scope: CrudScope): Doc => {
    const id = String(req.params.id);
    const doc = find(scope.env, spec.kind, id);
    if (!doc || (spec.parent && field(doc, spec.parent.field) !== scope.parentId))
      throw notFound(spec.what, id);
    return doc;
  };
  const item = `${spec.path}/:id`;
  const selfLink = (req: Request, id?: string): string => {
    const path = spec.path.replace(/:(\w+)/g, (_, name: string) =>
      encodeURIComponent(String(req.params[name])),
    );
    const base = `${ctx.origin}/v1/environments/${envOf(req).id}${path}`;
    return id === undefined ? base : `${base}/${id}`;
  };
  const view = (req: Request, doc: Doc) => ({
    _links: { self: { href: selfLink(req, doc.id) } },
    ...doc,
  });

  router.get(spec.path, (req, res) => {
    const scope = scopeOf(req);
    const filter = scimFilter(typeof req.query.filter === 'string' ? req.query.filter : undefined);
    let items = list(scope.env, spec.kind, spec.parent?.field, scope.parentId).filter(filter);
    const limit = Number(req.query.limit);
    if (Number.isInteger(limit) && limit > 0) items = items.slice(0, limit);
    sendHal(res, 200, {
      _links: { self: { href: selfLink(req) } },
      _embedded: { [spec.kind]: items.map((d) => view(req, d)) },
      count: items.length,
      size: items.length,
    });
  });

  router.get(item, (req, res) => {
    const doc = load(req, scopeOf(req));
    sendHal(res, 200, view(req, doc));
  });

  if (!spec.build) return;
  const build = spec.build;

  router.post(spec.path, (req, res) => {
    requireJsonType(req);
    const scope = scopeOf(req);
    const fields = build(new Checker(req.body, spec.rules), scope);
    assertUnique(spec, scope, fields);
    const doc = save(scope.env, spec.kind, fields, ctx.clock.now());
    spec.afterCreate?.(doc, scope);
    sendHal(res, spec.createStatus ?? 201, view(req, doc));
  });

  for (const method of spec.updates ?? ['put']) {
    router[method](item, (req, res) => {
      requireJsonType(req);
      const scope = scopeOf(req);
      const existing = load(req, scope);
      scope.existing = existing;
      const body = new Checker(req.body).body;
      const merged = method === 'patch' ? deepMerge(ownFields(existing), body) : body;
      const fields = build(new Checker(merged, spec.rules), scope);
      assertUnique(spec, scope, fields);
      const doc = save(scope.env, spec.kind, fields, ctx.clock.now(), existing);
      sendHal(res, 200, view(req, doc));
    });
  }

  router.delete(item, (req, res) => {
    const scope = scopeOf(req);
    const doc = load(req, scope);
    spec.beforeDelete?.(doc, scope);
    for (const { kind, field: ref } of spec.cascade ?? []) {
      for (const child of list(scope.env, kind, ref, doc.id)) remove(scope.env, kind, child.id);
    }
    remove(scope.env, spec.kind, doc.id);
    res.status(204).end();
  });
}

function deepMerge(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const prev = out[key];
    out[key] = isObject(value) && isObject(prev) ? deepMerge(prev, value) : value;
  }
  return out;
}

function assertUnique(spec: CrudSpec, scope: CrudScope, fields: Record<string, unknown>): void {
  if (!spec.unique) return;
  const { keys, ignoreCase = [] } = spec.unique;
  const value = (doc: Record<string, unknown>, key: string) => {
    const v = field(doc, key);
    return typeof v === 'string' && ignoreCase.includes(key) ? v.toLowerCase() : v;
  };
  const clash = list(scope.env, spec.kind, spec.parent?.field, scope.parentId).find(
    (d) => d.id !== scope.existing?.id && keys.every((key) => value(d, key) === value(fields, key)),
  );
  const target = keys.at(-1)!;
  if (clash) throw uniquenessViolation(target, String(field(fields, target) ?? ''), clash.id);
}
