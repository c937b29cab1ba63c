import {
  apiPath,
  listAll,
  send,
  writableFields,
  type ManagementContext,
  type TemplateContent,
} from '../../pingone/management.js';
import { findOrCreate, oldest, type ProvisionContext } from '../find-or-create.js';
import { runStep } from '../run-step.js';

// At most 153 GSM-7 characters (one SMS segment with a header).
export const TEMPLATE_CONTENT = 'Approve ${sum} ${currency} to ${recipient}? Code: ${OTP}';
export const TEMPLATE_VARIABLES = ['sum', 'currency', 'recipient'] as const;
const TEMPLATE_LOCALE = 'en';
export const TEMPLATE_DELIVERY = 'SMS';

const BASE = '/templates/transaction/contents';

export const listTransactionContents = (api: ManagementContext) =>
  listAll<TemplateContent>(api, 'list template contents', BASE, 'contents');

// PingOne compares variants, locales and delivery methods case-insensitively.
export function sameText(value: string | undefined, ours: string): boolean {
  return (value ?? '').toLowerCase() === ours.toLowerCase();
}

export function desiredTemplateContent(variant: string): Omit<TemplateContent, 'id'> {
  return {
    locale: TEMPLATE_LOCALE,
    deliveryMethod: TEMPLATE_DELIVERY,
    variant,
    content: TEMPLATE_CONTENT,
  };
}

// A duplicate is refused with `UNIQUENESS_VIOLATION`, which createOnce takes as "found".
export function ensureTemplateContent(ctx: ProvisionContext) {
  const { api, names } = ctx;
  const ours = (c: TemplateContent) =>
    sameText(c.variant, names.templateVariant) &&
    sameText(c.locale, TEMPLATE_LOCALE) &&
    sameText(c.deliveryMethod, TEMPLATE_DELIVERY);
  const body = desiredTemplateContent(names.templateVariant);
  return runStep(ctx, 9, () =>
    findOrCreate(ctx, {
      find: async () => oldest((await listTransactionContents(api)).filter(ours)),
      create: () => send<TemplateContent>(api, 'create template content', 'POST', BASE, body),
      drift: (c) => (c.content === TEMPLATE_CONTENT ? [] : ['content changed']),
      // A PUT replaces the content (its sender, say): send back all of it, new text only.
      repair: async (c) => {
        const path = apiPath`/templates/transaction/contents/${c.id}`;
        const current = await send<TemplateContent>(api, 'read template content', 'GET', path);
        const body = { ...writableFields(current), content: TEMPLATE_CONTENT };
        return send(api, 'update template content', 'PUT', path, body);
      },
    }),
  );
}
