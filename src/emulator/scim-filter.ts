import { field, type Doc } from './store.js';
import { invalidData } from './p1-error.js';

/** `attr eq "v"` / `attr sw "v"` joined by `and` (https://apidocs.pingidentity.com/pingone/platform/v1/api/#filtering-data). */
export function scimFilter(filter: string | undefined): (doc: Doc) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*\(?\s*([A-Za-z][\w.]*)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)"\s*\)?\s*$/i.exec(clause);
    if (!m) {
      throw invalidData([
        {
          code: 'INVALID_VALUE',
          target: 'filter',
          message: `Unsupported filter expression: ${clause}`,
        },
      ]);
    }
    const [, path, op, raw] = m as unknown as [string, string, string, string];
    const value = raw.replace(/\\(.)/g, '$1').toLowerCase();
    return (doc: Doc) => {
      const actual = field(doc, path);
      if (typeof actual !== 'string' && typeof actual !== 'boolean' && typeof actual !== 'number')
        return false;
      const text = String(actual).toLowerCase();
      return op.toLowerCase() === 'eq' ? text === value : text.startsWith(value);
    };
  });
  return (doc) => clauses.every((c) => c(doc));
}
