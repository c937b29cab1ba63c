import type { FieldRule } from './field-rule.js';

const when = (method: string) => ({ path: 'deliveryMethod', in: [method] });

/** Step 9: POST /templates/{name}/contents; content, body and title depend on the delivery method. */
export const TEMPLATE_CONTENT_RULES: FieldRule[] = [
  {
    path: 'locale',
    type: 'string',
    required: true,
    pattern: /^[A-Za-z]{2,3}([-_][A-Za-z]{2,4})?$/,
    source:
      'MGMT TemplateContentCommon (required; a language code, case-insensitive, optionally a country code after `_` or `-`: en, en_GB, en-GB)',
  },
  {
    path: 'deliveryMethod',
    type: 'string',
    required: true,
    enum: ['Email', 'SMS', 'Voice', 'Push'],
    source: 'MGMT TemplateContentCommon, EnumTemplateContentDeliveryMethod (case-exact)',
  },
  { path: 'variant', type: 'string', source: 'MGMT TemplateContentCommon' },
  { path: 'default', type: 'boolean', source: 'MGMT TemplateContentCommon' },
  {
    path: 'content',
    type: 'string',
    required: true,
    when: when('SMS'),
    maxLength: 153,
    source: 'MGMT TemplateContentSMS (required, at most 153)',
  },
  {
    path: 'content',
    type: 'string',
    required: true,
    when: when('Voice'),
    maxLength: 1000,
    source: 'MGMT TemplateContentVoice (required, limited to 1 KB)',
  },
  { path: 'sender', type: 'string', maxLength: 11, source: 'MGMT TemplateContentSMS' },
  {
    path: 'body',
    type: 'string',
    required: true,
    when: when('Email'),
    source: 'MGMT TemplateContentEmail (required)',
  },
  {
    path: 'body',
    type: 'string',
    required: true,
    when: when('Push'),
    maxLength: 400,
    source: 'MGMT TemplateContentPush (required, at most 400)',
  },
  { path: 'subject', type: 'string', maxLength: 256, source: 'MGMT TemplateContentEmail' },
  {
    path: 'title',
    type: 'string',
    required: true,
    when: when('Push'),
    maxLength: 200,
    source: 'MGMT TemplateContentPush',
  },
];
