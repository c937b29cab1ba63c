import type { NextFunction, Request, Response } from 'express';
import { isObject } from './checker.js';
import { invalidData } from './p1-error.js';

/** A fault for the next `count` calls matching `method` and `path` (tests only; PingOne has no such thing). */
export interface FaultRule {
  method?: string;
  /** A route template (below) matched against the path without query. */
  path: string;
  count?: number;
  latencyMs?: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  drop?: boolean;
}

export type Faults = ReturnType<typeof createFaults>;

function parseFaultRule(input: unknown): FaultRule {
  const bad = (target: string, message: string) =>
    invalidData([{ code: 'INVALID_VALUE', target, message }], 'Invalid fault rule');
  if (!isObject(input)) throw bad('body', 'a JSON object is required');
  const r = input;
  if (typeof r.path !== 'string' || !r.path) throw bad('path', 'path is required');
  const pathProblem = pathTemplateProblem(r.path);
  if (pathProblem) throw bad('path', pathProblem);
  if (r.method !== undefined && typeof r.method !== 'string')
    throw bad('method', 'must be a string');
  const positiveInt = (k: string, min: number, max: number) => {
    const v = r[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max))
      throw bad(k, `must be a whole number ${min}-${max}`);
  };
  positiveInt('count', 1, 1_000_000);
  positiveInt('latencyMs', 0, 120_000);
  positiveInt('status', 100, 599);
  if (r.drop !== undefined && typeof r.drop !== 'boolean')
    throw bad('drop', 'must be true or false');
  const h = r.headers;
  if (h !== undefined && !(isObject(h) && Object.values(h).every((v) => typeof v === 'string')))
    throw bad('headers', 'must be an object of strings');
  if (r.latencyMs === undefined && r.status === undefined && r.drop !== true)
    throw bad('body', 'a fault needs latencyMs, status or drop');
  return r as unknown as FaultRule;
}

/** Applied before routing: latency first, then a canned answer or a dropped connection. */
export function createFaults() {
  let rules: { rule: FaultRule; remaining: number; matches: (m: string, p: string) => boolean }[] =
    [];
  return {
    add(rule: FaultRule): void {
      const checked = parseFaultRule(rule);
      const path = compilePathTemplate(checked.path);
      const method = checked.method?.toUpperCase();
      rules.push({
        rule: checked,
        remaining: checked.count ?? 1,
        matches: (m, p) => (!method || method === m) && path(p),
      });
    },
    clear(): void {
      rules = [];
    },
    middleware(req: Request, res: Response, next: NextFunction): void {
      if (req.path.startsWith('/__emulator/')) return next();
      const active = rules.find((r) => r.remaining > 0 && r.matches(req.method, req.path));
      if (!active) return next();
      active.remaining -= 1;
      rules = rules.filter((r) => r.remaining > 0);
      const { rule } = active;
      const act = (): void => {
        if (rule.drop) {
          req.socket.destroy();
          return;
        }
        if (rule.status === undefined) return next();
        if (rule.headers) res.set(rule.headers);
        res.status(rule.status);
        if (rule.body === undefined) res.end();
        else if (typeof rule.body === 'string') res.send(rule.body);
        else res.json(rule.body);
      };
      if (rule.latencyMs) setTimeout(act, rule.latencyMs);
      else act();
    },
  };
}

/**
 * Fault paths are route templates, never regular expressions (`^/(a+)+$` backtracks for seconds):
 * `:name` is one non-empty segment, a last `*` any rest (`/v1/environments/abc/*` is a prefix).
 */
const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_LENGTH = 2048;

function pathTemplateProblem(template: string): string | undefined {
  if (template.startsWith('^')) {
    return 'regular expressions are not accepted: use a route template such as /:env/flows/:id, or a prefix ending in /*';
  }
  if (!template.startsWith('/')) return 'must start with /';
  if (template.length > MAX_LENGTH) return `at most ${MAX_LENGTH} characters`;
  const segments = template.split('/').slice(1);
  for (const [i, segment] of segments.entries()) {
    if (segment === '*' && i < segments.length - 1) return '* may only be the last segment';
    if (segment.startsWith(':') && !PARAM.test(segment)) {
      return `"${segment}": a parameter is : and a name of letters, digits and _`;
    }
    if (segment !== '*' && segment.includes('*')) return `"${segment}": * must be a whole segment`;
  }
  return undefined;
}

function compilePathTemplate(template: string): (path: string) => boolean {
  const segments = template.split('/').slice(1);
  const prefix = segments.at(-1) === '*';
  // undefined: a parameter, any non-empty segment.
  const fixed = (prefix ? segments.slice(0, -1) : segments).map((s) =>
    PARAM.test(s) ? undefined : s,
  );
  return (path) => {
    const parts = path.split('/').slice(1);
    if (prefix ? parts.length < fixed.length : parts.length !== fixed.length) return false;
    return fixed.every((literal, i) =>
      literal === undefined ? parts[i] !== '' : parts[i] === literal,
    );
  };
}
