/** One PingOne requirement on one field of a management body, naming where the fact comes from. */
export interface FieldRule {
  /** Dotted path; `[]` after a name means "each element of that array". */
  path: string;
  type: 'string' | 'boolean' | 'integer' | 'object' | 'array';
  /** Required whenever the object holding it is present (top level: always). */
  required?: boolean;
  /** The rule applies only when the top-level field `path` has one of `in` (content for SMS). */
  when?: { path: string; in: readonly string[] };
  /** Arrays: the type of each element. */
  items?: 'string' | 'object';
  /** Strings (or each string of an array): case-exact allowed values. */
  enum?: readonly string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  source: string;
}

/** A table of rules from one schema: a rule that names no `source` of its own cites `source`. */
export function fromSchema(
  source: string,
  rules: ReadonlyArray<Omit<FieldRule, 'source'> & { source?: string }>,
): FieldRule[] {
  return rules.map((rule) => ({ source, ...rule }));
}

/** Email as the emulator checks it (EMULATOR: one @, no spaces). */
export const EMAIL = /^[^\s@]+@[^\s@]+$/;
