/**
 * A fault rule's path: a route template matched segment by segment, never a regular expression
 * (a user's pattern such as `^/(a+)+$` backtracks for seconds on a short path and freezes the
 * process with everything else it serves). `/:env/flows/:id` matches `/abc/flows/123`: a
 * `:name` segment stands for exactly one non-empty segment. A last segment `*` stands for any
 * rest, so `/v1/environments/abc/*` is a literal prefix (it also matches the bare prefix).
 * Matching costs one comparison per segment.
 */
export type PathMatcher = (path: string) => boolean;

const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_LENGTH = 2048;

/** Why `template` is not one, or undefined. */
export function pathTemplateProblem(template: string): string | undefined {
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

/** The matcher of a template `pathTemplateProblem` accepted. */
export function compilePathTemplate(template: string): PathMatcher {
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
