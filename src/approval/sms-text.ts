import { SMS_OTP_LENGTH } from '../provisioning/steps/device.js';
import { TEMPLATE_CONTENT } from '../provisioning/steps/template-content.js';
import { measureSms, type SmsMeasure } from './sms-encoding.js';

export type SmsTransfer = Record<'amount' | 'currency' | 'payee', string>;

/** pi.template's variables: `${sum}`, `${currency}`, `${recipient}` in the SMS template. */
export function templateVariables(transfer: SmsTransfer) {
  return { sum: transfer.amount, currency: transfer.currency, recipient: transfer.payee };
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g;
// docs/pingone-contract.md §9: PingOne's code placeholder is written ${OTP}; ${otp} is read too.
const CODE_PLACEHOLDER = /\$\{(?:OTP|otp)\}/;

/** The SMS PingOne renders from the template; an unknown placeholder is left as written. */
export function transferSms(transfer: SmsTransfer, otp: string, content = TEMPLATE_CONTENT) {
  const values: Record<string, string> = { ...templateVariables(transfer), OTP: otp, otp };
  return content.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

/** The SMS a transfer makes, measured with a code of the device policy's length, shown as `•`. */
export function smsPreview(
  transfer: SmsTransfer,
  otpLength = SMS_OTP_LENGTH,
  content = TEMPLATE_CONTENT,
): SmsMeasure & { text: string } {
  return {
    ...measureSms(transferSms(transfer, '0'.repeat(otpLength), content)),
    text: transferSms(transfer, '•'.repeat(otpLength), content),
  };
}

/** "GSM-7 · 52 of 160 characters · 1 SMS". */
export function smsSummary(sms: SmsMeasure): string {
  const encoding =
    sms.encoding === 'GSM-7'
      ? 'GSM-7'
      : `UCS-2 (“${sms.outside ?? ''}” is not in the GSM alphabet)`;
  const size =
    sms.segments === 1
      ? `${sms.length} of ${sms.perSegment} characters`
      : `${sms.length} characters, up to ${sms.perSegment} in each part`;
  return `${encoding} · ${size} · ${sms.segments} SMS`;
}

/** The words next to the code ("Code" in "? Code: ${OTP}"): a payee must not fake one. */
export function codeWords(content = TEMPLATE_CONTENT): string[] {
  const [before = '', ...after] = content.split(CODE_PLACEHOLDER);
  const literals = [before.split(PLACEHOLDER).at(-1) ?? '', ...after.map((t) => t.split('${')[0]!)];
  return [...new Set(literals.flatMap((text) => text.match(/\p{L}+/gu) ?? []))];
}
