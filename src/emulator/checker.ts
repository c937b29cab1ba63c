import { field } from './store.js';
import { invalidData, type P1Detail } from './p1-error.js';

interface StringRule {
  required?: boolean;
  pattern?: RegExp;
  max?: number;
  allowed?: readonly string[];
}

interface IntRule {
  required?: boolean;
  min?: number;
  max?: number;
}

/**
 * Validates a request body the way PingOne reports it: every problem at once, as `details` with
 * `REQUIRED_VALUE` / `INVALID_VALUE` / `OUT_OF_RANGE` and the dotted `target`.
 */
export class Checker {
  readonly details: P1Detail[] = [];
  readonly body: Record<string, unknown>;

  constructor(body: unknown) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidData([
        { code: 'INVALID_VALUE', message: 'The request body must be a JSON object.' },
      ]);
    }
    this.body = body as Record<string, unknown>;
  }

  get(target: string): unknown {
    return field(this.body, target);
  }

  required(target: string): void {
    this.details.push({ code: 'REQUIRED_VALUE', target, message: `${target} is required` });
  }

  invalid(target: string, message: string, innerError?: Record<string, unknown>): void {
    const detail: P1Detail = { code: 'INVALID_VALUE', target, message };
    if (innerError) detail.innerError = innerError;
    this.details.push(detail);
  }

  string(target: string, rule: StringRule = {}): string | undefined {
    const value = this.get(target);
    if (value === undefined || value === null || value === '') {
      if (rule.required) this.required(target);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.invalid(target, `${target} must be a string`);
      return undefined;
    }
    if (rule.allowed && !rule.allowed.includes(value)) {
      this.invalid(target, `${target} must be one of ${rule.allowed.join(', ')}`, {
        allowedValues: [...rule.allowed],
      });
      return undefined;
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      this.invalid(target, `${target} must match ${rule.pattern.source}`);
      return undefined;
    }
    if (rule.max !== undefined && value.length > rule.max) {
      this.details.push({
        code: 'OUT_OF_RANGE',
        target,
        message: `${target} must be at most ${rule.max} characters`,
        innerError: { rangeMaximumValue: rule.max },
      });
      return undefined;
    }
    return value;
  }

  bool(target: string, required = false): boolean | undefined {
    const value = this.get(target);
    if (value === undefined || value === null) {
      if (required) this.required(target);
      return undefined;
    }
    if (typeof value !== 'boolean') {
      this.invalid(target, `${target} must be true or false`);
      return undefined;
    }
    return value;
  }

  int(target: string, rule: IntRule = {}): number | undefined {
    const value = this.get(target);
    if (value === undefined || value === null) {
      if (rule.required) this.required(target);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.invalid(target, `${target} must be a whole number`);
      return undefined;
    }
    if (
      (rule.min !== undefined && value < rule.min) ||
      (rule.max !== undefined && value > rule.max)
    ) {
      const innerError: Record<string, unknown> = {};
      if (rule.min !== undefined) innerError.rangeMinimumValue = rule.min;
      if (rule.max !== undefined) innerError.rangeMaximumValue = rule.max;
      this.details.push({
        code: 'OUT_OF_RANGE',
        target,
        message: `${target} is out of range`,
        innerError,
      });
      return undefined;
    }
    return value;
  }

  /** An array of strings, each from `allowed` when given. */
  strings(
    target: string,
    rule: { required?: boolean; allowed?: readonly string[] } = {},
  ): string[] | undefined {
    const value = this.get(target);
    if (value === undefined || value === null) {
      if (rule.required) this.required(target);
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      this.invalid(target, `${target} must be an array of strings`);
      return undefined;
    }
    const bad = rule.allowed ? value.filter((v) => !rule.allowed!.includes(v)) : [];
    if (bad.length) {
      this.invalid(target, `${target} has unsupported values: ${bad.join(', ')}`, {
        allowedValues: [...rule.allowed!],
      });
      return undefined;
    }
    return value;
  }

  done(): void {
    if (this.details.length) throw invalidData(this.details);
  }
}

/** PingOne accepts `+15125201234`, `+1.5125201234` and `+1 (512) 520-1234` (docs/pingone-contract.md §4). */
export const PHONE = /^\+[0-9][0-9 .()-]{5,24}$/;

/** Sign-on policy names (docs/pingone-contract.md §4 step 6). */
export const POLICY_NAME = /^[a-zA-Z0-9_. -]+$/;

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
