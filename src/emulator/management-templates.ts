import type { Router } from 'express';
import { uniquenessViolation } from './checker.js';
import type { Context } from './context.js';
import { crudRoutes } from './crud-routes.js';
import { list } from './store.js';

/** Notification template contents (step 9): unique per template + locale + deliveryMethod + variant. */
export function templateRoutes(router: Router, ctx: Context): void {
  crudRoutes(router, ctx, {
    kind: 'templates',
    path: '/templates',
    what: 'template',
    readOnly: true,
  });
  crudRoutes(router, ctx, {
    kind: 'contents',
    path: '/templates/:templateName/contents',
    what: 'template content',
    parent: { param: 'templateName', kind: 'templates', field: 'template.id', what: 'template' },
    rules: 'templateContent',
    build(c, scope) {
      // Fields, enums and lengths: MANAGEMENT_RULES.templateContent.
      const locale = c.string('locale');
      const deliveryMethod = c.string('deliveryMethod');
      const variant = c.string('variant');
      const fields: Record<string, unknown> = {
        template: { id: scope.parentId },
        locale,
        deliveryMethod,
      };
      if (variant !== undefined) fields.variant = variant;
      const keep = {
        SMS: ['content', 'sender'],
        Voice: ['content', 'voice'],
        Email: ['body', 'subject'],
        Push: ['body', 'title'],
      };
      for (const key of keep[deliveryMethod as keyof typeof keep] ?? []) {
        const value = c.string(key);
        if (value !== undefined) fields[key] = value;
      }
      fields.default = c.bool('default') ?? false;
      c.done();
      return fields;
    },
    unique(fields, scope) {
      const key = (d: Record<string, unknown>) =>
        `${d.locale}|${d.deliveryMethod}|${d.variant ?? ''}`;
      const clash = list(scope.env, 'contents', 'template.id', scope.parentId).find(
        (d) => d.id !== scope.existing?.id && key(d) === key(fields),
      );
      if (clash) throw uniquenessViolation('variant', String(fields.variant ?? ''), clash.id);
    },
  });
}
