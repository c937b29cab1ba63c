import type { Router } from 'express';
import type { Context } from './context.js';
import { assertUnique, crudRoutes } from './crud-routes.js';
import { constraintViolation } from './p1-error.js';
import { list } from './store.js';

/** Populations (step 10). */
export function populationRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'populations',
    path: '/populations',
    what: 'population',
    rules: 'population',
    build(c, scope) {
      const name = c.string('name');
      const description = c.string('description');
      c.done();
      const fields: Record<string, unknown> = { name, default: scope.existing?.default ?? false };
      if (description !== undefined) fields.description = description;
      return fields;
    },
    unique: (fields, scope) => assertUnique(scope, 'populations', 'name', fields.name),
    beforeDelete(doc, scope) {
      const blocked =
        doc.default === true || list(scope.env, 'users', 'population.id', doc.id).length > 0;
      if (blocked) {
        const detail = doc.default
          ? 'The default population cannot be deleted'
          : 'The population still contains users';
        throw constraintViolation('The population cannot be deleted.', detail);
      }
    },
  });
}
