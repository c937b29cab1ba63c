import type { ManagementResource } from './management-rules.js';
import { validateManagementBody } from './validate-management-body.js';
import { invalidData, type P1Detail } from './p1-error.js';
import { field } from './store.js';

/**
 * Validates a request body the way PingOne reports it: every problem at once, as `details` with
 * `REQUIRED_VALUE` / `INVALID_VALUE` / `OUT_OF_RANGE` / `SIZE_LIMIT_EXCEEDED` and the dotted `target`. With a resource,
 * it starts from that resource's rule table (management-rules.ts); the handler's own checks
 * (references, combinations) then add only what the table did not already report for a field.
 */
export class Checker {
  readonly details: P1Detail[] = [];
  readonly body: Record<string, unknown>;

  constructor(body: unknown, resource?: ManagementResource) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidData([
        { code: 'INVALID_VALUE', message: 'The request body must be a JSON object.' },
      ]);
    }
    this.body = body as Record<string, unknown>;
    if (resource) this.details.push(...validateManagementBody(resource, body));
  }

  /** One detail per field: the first problem found is the one reported. */
  private report(detail: P1Detail): void {
    if (detail.target !== undefined && this.details.some((d) => d.target === detail.target)) return;
    this.details.push(detail);
  }

  get(target: string): unknown {
    return field(this.body, target);
  }

  required(target: string): void {
    this.report({ code: 'REQUIRED_VALUE', target, message: `${target} is required` });
  }

  invalid(target: string, message: string, innerError?: Record<string, unknown>): void {
    const detail: P1Detail = { code: 'INVALID_VALUE', target, message };
    if (innerError) detail.innerError = innerError;
    this.report(detail);
  }

  // Typed reads: the rule table says what is required and allowed; a value of the wrong type
  // reads as absent (and is reported once, by the table or here).

  private read<T>(target: string, is: (v: unknown) => v is T, what: string): T | undefined {
    const value = this.get(target);
    if (value === undefined || value === null) return;
    if (is(value)) return value;
    this.invalid(target, `${target} must be ${what}`);
  }

  string(target: string): string | undefined {
    if (this.get(target) === '') return undefined;
    return this.read(target, (v): v is string => typeof v === 'string', 'a string');
  }

  bool(target: string): boolean | undefined {
    return this.read(target, (v): v is boolean => typeof v === 'boolean', 'true or false');
  }

  int(target: string): number | undefined {
    return this.read(target, (v): v is number => Number.isInteger(v), 'a whole number');
  }

  strings(target: string): string[] | undefined {
    const each = (v: unknown): v is string[] =>
      Array.isArray(v) && v.every((s) => typeof s === 'string');
    return this.read(target, each, 'an array of strings');
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
