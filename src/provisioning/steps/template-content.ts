import {
  apiPath,
  listAll,
  send,
  writableFields,
  type ManagementContext,
  type TemplateContent,
} from '../../pingone/management.js';
import { findOrCreate, oldest } from '../find-or-create.js';
import { runStep } from '../run-step.js';
import type { Found, ProvisionContext } from '../setup-context.js';

/**
 * The SMS text. `${OTP}` is PingOne's code; `${sum}`, `${currency}`, `${recipient}` come from the
 * request JWT's `pi.template.variables`. At most 153 GSM-7 characters (one SMS segment with a
 * header): this one is 53 plus the values.
 */
export const TEMPLATE_CONTENT = 'Approve ${sum} ${currency} to ${recipient}? Code: ${OTP}';
export const TEMPLATE_VARIABLES = ['sum', 'currency', 'recipient'] as const;
export const TEMPLATE_LOCALE = 'en';
export const TEMPLATE_DELIVERY = 'SMS';

const BASE = '/templates/transaction/contents';

/** `GET /templates/transaction/contents`: every content of the `transaction` template. */
export function listTransactionContents(api: ManagementContext): Promise<TemplateContent[]> {
  return listAll(api, 'list template contents', BASE, 'contents');
}

/**
 * True when `value` is `ours` but for case: PingOne compares template variants (and locales,
 * delivery methods) case-insensitively, so a `TxApproval_SMS_Approval` someone typed in the
 * console is ours too.
 */
export function sameText(value: string | undefined, ours: string): boolean {
  return (value ?? '').toLowerCase() === ours.toLowerCase();
}

/** Step 9's body: our SMS text for the `transaction` template, under our variant. */
export function desiredTemplateContent(variant: string): Omit<TemplateContent, 'id'> {
  return {
    locale: TEMPLATE_LOCALE,
    deliveryMethod: TEMPLATE_DELIVERY,
    variant,
    content: TEMPLATE_CONTENT,
  };
}

/**
 * Step 9: the SMS text of the `transaction` template under our variant, which authorize names
 * in `pi.template.variant`. The same variant, locale and delivery method twice is refused with
 * `UNIQUENESS_VIOLATION`, which createOnce takes as "found".
 */
export function ensureTemplateContent(
  ctx: ProvisionContext,
): Promise<Found<TemplateContent> | undefined> {
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
