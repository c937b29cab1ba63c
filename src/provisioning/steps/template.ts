import {
  deleteTransactionContent,
  createTransactionContent,
  listTransactionContents,
  readTransactionContent,
  updateTransactionContent,
  writableFields,
  type DeviceAuthenticationPolicy,
  type TemplateContent,
} from '../../pingone/management.js';
import {
  desiredTemplateContent,
  sameText,
  SMS_OTP_LENGTH,
  TEMPLATE_CONTENT,
  TEMPLATE_DELIVERY,
  TEMPLATE_LOCALE,
  TEMPLATE_VARIABLES,
} from '../desired.js';
import { ensure, oldest } from '../ensure.js';
import type { Held, StepRow } from '../step-row.js';
import { templateFit } from '../template-fit.js';

export const templateContent: StepRow<Held<TemplateContent> | undefined> = {
  step: 9,
  name: 'template content',
  find: [listTransactionContents],
  build: [desiredTemplateContent],
  create: [createTransactionContent],
  update: [readTransactionContent, updateTransactionContent],
  teardown: {
    find: async ({ ctx, names }) =>
      (await listTransactionContents(ctx)).filter(
        (c) =>
          sameText(c.variant, names.templateVariant) &&
          sameText(c.deliveryMethod, TEMPLATE_DELIVERY),
      ),
    remove: deleteTransactionContent,
  },
  check: {
    // The device policy (step 14) says how long the code is, which the SMS's length counts.
    read: async ({ ctx, found }) => ({
      contents: await listTransactionContents(ctx),
      policies: await found<DeviceAuthenticationPolicy[]>(14),
    }),
    items: (
      {
        contents,
        policies,
      }: { contents: TemplateContent[]; policies: DeviceAuthenticationPolicy[] },
      { templateContentId, devicePolicyId, smsMaxSegments },
    ) => {
      const content = contents.find((c) => c.id === templateContentId);
      const text = content?.content ?? '';
      const missing = ['OTP', ...TEMPLATE_VARIABLES].filter((v) => !text.includes(`\${${v}}`));
      const otpLength =
        policies.find((p) => p.id === devicePolicyId)?.sms?.otp?.otpLength ?? SMS_OTP_LENGTH;
      return [
        [
          'transaction template content has ${OTP} and the variables',
          !!content && missing.length === 0,
          content ? `missing ${missing.map((v) => `\${${v}}`).join(', ')}` : 'content not found',
        ],
        templateFit(text, otpLength, smsMaxSegments),
      ];
    },
  },
  run: async (plan) => {
    const { ctx, names } = plan;
    const ours = (c: TemplateContent) =>
      sameText(c.variant, names.templateVariant) &&
      sameText(c.locale, TEMPLATE_LOCALE) &&
      sameText(c.deliveryMethod, TEMPLATE_DELIVERY);
    return ensure(plan, {
      find: async () => oldest((await listTransactionContents(ctx)).filter(ours)),
      create: () => createTransactionContent(ctx, desiredTemplateContent(names.templateVariant)),
      drift: (c) => (c.content === TEMPLATE_CONTENT ? [] : ['content changed']),
      // A PUT replaces the content (its sender, say): send back all of it, new text only.
      update: async (c) =>
        updateTransactionContent(ctx, c.id, {
          ...(writableFields(await readTransactionContent(ctx, c.id)) as Omit<
            TemplateContent,
            'id'
          >),
          content: TEMPLATE_CONTENT,
        }),
    });
  },
};
