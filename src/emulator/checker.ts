import type { FieldRule } from './field-rule.js';
import { MANAGEMENT_RULES, type ManagementResource } from './management-rules.js';
import { invalidData, type P1Detail } from './p1-error.js';
import { field, find, type Environment, type Kind } from './store.js';

const NOT_AN_OBJECT = { code: 'INVALID_VALUE', message: 'The request body must be a JSON object.' };

/**
 * Every problem of a body at once, as PingOne reports them: the resource's rule table first, then
 * the handler's own checks (references, combinations), one detail per field.
 */
export class Checker {
  readonly details: P1Detail[] = [];
  readonly body: Record<string, unknown>;

  constructor(body: unknown, resource?: ManagementResource) {
    if (!isObject(body)) throw invalidData([NOT_AN_OBJECT]);
    this.body = body;
    if (resource) this.details.push(...validateManagementBody(resource, body));
  }

  /** One detail per field: the first problem found is the one reported. */
  private report(detail: P1Detail & { target: string }): void {
    if (this.details.some((d) => d.target === detail.target)) return;
    this.details.push(detail);
  }

  get(target: string): unknown {
    return field(this.body, target);
  }

  required(target: string): void {
    this.report({ code: 'REQUIRED_VALUE', target, message: `${target} is required` });
  }

  invalid(target: string, message: string): void {
    this.report({ code: 'INVALID_VALUE', target, message });
  }

  // Typed reads: a value of the wrong type reads as absent (and is reported once, by the table or here).
  private read<T>(target: string, is: (v: unknown) => boolean, what: string): T | undefined {
    const value = this.get(target);
    if (value === undefined || value === null) return;
    if (is(value)) return value as T;
    this.invalid(target, `${target} must be ${what}`);
  }

  string(target: string): string | undefined {
    if (this.get(target) === '') return undefined;
    return this.read(target, (v) => typeof v === 'string', 'a string');
  }

  bool(target: string): boolean | undefined {
    return this.read(target, (v) => typeof v === 'boolean', 'true or false');
  }

  int(target: string): number | undefined {
    return this.read(target, Number.isInteger, 'a whole number');
  }

  strings(target: string): string[] | undefined {
    const each = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
    return this.read(target, each, 'an array of strings');
  }

  /** A reference to an existing doc of `kind`. */
  ref(target: string, env: Environment, kind: Kind, what: string): string | undefined {
    const id = this.string(target);
    if (id !== undefined && !find(env, kind, id)) this.invalid(target, `No ${what} with id ${id}`);
    return id;
  }

  done(): void {
    if (this.details.length) throw invalidData(this.details);
  }
}

export function uniquenessViolation(target: string, value: string, existingId: string) {
  return invalidData(
    [
      {
        code: 'UNIQUENESS_VIOLATION',
        target,
        message: `${target} must be unique; "${value}" is already used`,
        innerError: { existingId },
      },
    ],
    'Validation Error : A resource with the same value already exists.',
  );
}

type Located = { target: string; value: unknown };

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function locate(body: Record<string, unknown>, path: string): Located[] {
  const parts = path.split('.');
  let nodes: Located[] = [{ target: '', value: body }];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const each = part.endsWith('[]');
    const key = each ? part.slice(0, -2) : part;
    const next: Located[] = [];
    for (const node of nodes) {
      if (!isObject(node.value)) continue;
      const target = node.target ? `${node.target}.${key}` : key;
      const value = node.value[key];
      if (each && !last) {
        if (Array.isArray(value))
          value.forEach((v, j) => next.push({ target: `${target}[${j}]`, value: v }));
      } else if (last || value !== undefined) {
        next.push({ target, value });
      }
    }
    nodes = next;
  }
  return nodes;
}

const typeName: Record<FieldRule['type'], string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  object: 'an object',
  array: 'an array',
};

function hasType(value: unknown, type: FieldRule['type']): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

function problemOf(rule: FieldRule, value: unknown): Omit<P1Detail, 'target'> | undefined {
  if (!hasType(value, rule.type))
    return { code: 'INVALID_VALUE', message: `must be ${typeName[rule.type]}` };
  const allowed = rule.enum && { allowedValues: [...rule.enum] };
  if (rule.type === 'array') {
    const items = value as unknown[];
    if (rule.items && !items.every((v) => hasType(v, rule.items!)))
      return { code: 'INVALID_VALUE', message: `must hold only ${rule.items} values` };
    const bad = rule.enum ? items.filter((v) => !rule.enum!.includes(v as string)) : [];
    if (bad.length)
      return {
        code: 'INVALID_VALUE',
        message: `has unsupported values: ${bad.join(', ')}`,
        innerError: allowed,
      };
    return undefined;
  }
  if (rule.type === 'string') {
    const s = value as string;
    if (rule.enum && !rule.enum.includes(s))
      return {
        code: 'INVALID_VALUE',
        message: `must be one of ${rule.enum.join(', ')}`,
        innerError: allowed,
      };
    if (rule.maxLength !== undefined && s.length > rule.maxLength) {
      return {
        code: 'SIZE_LIMIT_EXCEEDED',
        message: `must be at most ${rule.maxLength} characters`,
        innerError: { maximumValue: rule.maxLength },
      };
    }
    if (
      (rule.minLength !== undefined && s.length < rule.minLength) ||
      rule.pattern?.test(s) === false
    ) {
      const pattern = rule.pattern && { innerError: { allowedPattern: rule.pattern.source } };
      return { code: 'INVALID_VALUE', message: 'is not valid', ...pattern };
    }
  }
  const n = value as number;
  if (rule.type === 'integer' && (n < (rule.min ?? -Infinity) || n > (rule.max ?? Infinity))) {
    // JSON leaves out the bound the rule does not have.
    const innerError = { rangeMinimumValue: rule.min, rangeMaximumValue: rule.max };
    return { code: 'OUT_OF_RANGE', message: 'is out of range', innerError };
  }
  return undefined;
}

/** PingOne's `details[]` for `body` against the `resource` table (docs/pingone-contract.md §2.1). */
export function validateManagementBody(resource: ManagementResource, body: unknown): P1Detail[] {
  if (!isObject(body)) return [NOT_AN_OBJECT];
  const details: P1Detail[] = [];
  for (const rule of MANAGEMENT_RULES[resource]) {
    if (rule.when && !rule.when.in.includes(body[rule.when.path] as string)) continue;
    for (const { target, value } of locate(body, rule.path)) {
      const missing =
        value === undefined || value === null || (rule.type === 'string' && value === '');
      if (missing && rule.required)
        details.push({ code: 'REQUIRED_VALUE', target, message: `${target} is required` });
      const problem = missing ? undefined : problemOf(rule, value);
      if (!problem) continue;
      const { code, message, innerError } = problem;
      details.push({
        code,
        target,
        message: `${target} ${message}`,
        ...(innerError && { innerError }),
      });
    }
  }
  return details;
}
