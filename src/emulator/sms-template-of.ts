import { refuse } from './authorize-error.js';
import { DEFAULT_TRANSACTION_TEXT } from './constants.js';
import type { Flow } from './flow-registry.js';
import { find, list, type Doc, type Environment } from './store.js';

const refuseObject = (target: string, message: string) =>
  refuse(target, message, 'invalid_request_object');

/** The transaction text (step 9) chosen by `pi.template` name, variant and the user's locale. */
export function smsTemplateOf(
  env: Environment,
  template: unknown,
  user: Doc | undefined,
): Flow['smsTemplate'] {
  if (template === undefined) return { content: DEFAULT_TRANSACTION_TEXT, variables: {} };
  if (!template || typeof template !== 'object')
    throw refuseObject('pi.template', 'pi.template must be an object');
  const t = template as Record<string, unknown>;
  const name = typeof t.name === 'string' ? t.name : 'transaction';
  if (!find(env, 'templates', name))
    throw refuseObject('pi.template.name', `No template named ${name}`);
  const variables: Record<string, string> = {};
  if (t.variables !== undefined) {
    if (!t.variables || typeof t.variables !== 'object' || Array.isArray(t.variables))
      throw refuseObject('pi.template.variables', 'pi.template.variables must be an object');
    for (const [k, v] of Object.entries(t.variables as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number')
        throw refuseObject(`pi.template.variables.${k}`, 'template variables must be strings');
      variables[k] = String(v);
    }
  }
  const variant = typeof t.variant === 'string' && t.variant ? t.variant : undefined;
  const sms = list(env, 'contents', 'template.id', name).filter((c) => c.deliveryMethod === 'SMS');
  const locale = typeof user?.locale === 'string' ? user.locale : 'en';
  const inLocale = (l: string) => sms.filter((c) => c.locale === l);
  const candidates = inLocale(locale).length ? inLocale(locale) : inLocale('en');
  const content = variant
    ? candidates.find((c) => c.variant === variant)
    : (candidates.find((c) => c.variant === undefined) ??
      candidates.find((c) => c.default === true));
  if (variant && !content) {
    const message = `No SMS content of template ${name} has variant ${variant}`;
    throw refuseObject('pi.template.variant', message);
  }
  return {
    content: typeof content?.content === 'string' ? content.content : DEFAULT_TRANSACTION_TEXT,
    variables,
  };
}
