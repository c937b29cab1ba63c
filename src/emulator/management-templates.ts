import type { Router } from 'express';
import { uniquenessViolation } from './checker.js';
import { SMS_CONTENT_MAX } from './constants.js';
import type { Context } from './context.js';
import { crudRoutes } from './crud-routes.js';
import { list } from './store.js';

const DELIVERY_METHODS = ['SMS', 'Email', 'Voice', 'Push'] as const;

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
    build(c, scope) {
      const locale = c.string('locale', {
        required: true,
        pattern: /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/,
      });
      const deliveryMethod = c.string('deliveryMethod', {
        required: true,
        allowed: DELIVERY_METHODS,
      });
      const variant = c.string('variant', { max: 100 });
      const fields: Record<string, unknown> = {
        template: { id: scope.parentId },
        locale,
        deliveryMethod,
      };
      if (variant !== undefined) fields.variant = variant;
      if (deliveryMethod === 'SMS' || deliveryMethod === 'Voice') {
        fields.content = c.string('content', {
          required: true,
          max: deliveryMethod === 'SMS' ? SMS_CONTENT_MAX : 1000,
        });
      } else if (deliveryMethod === 'Email') {
        fields.body = c.string('body', { required: true });
        fields.subject = c.string('subject', { max: 256 });
      } else if (deliveryMethod === 'Push') {
        fields.body = c.string('body', { required: true });
        fields.title = c.string('title');
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
