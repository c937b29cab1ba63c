import { SMS_OTP_LENGTH } from '../provisioning/steps/device.js';
import { TEMPLATE_CONTENT } from '../provisioning/steps/template-content.js';
import { measureSms, type SmsMeasure } from './sms-encoding.js';

/** The transfer fields PingOne writes into the SMS. */
export interface SmsTransfer {
  amount: string;
  currency: string;
  payee: string;
}

/** What PingOne writes into the SMS template (`${sum}`, `${currency}`, `${recipient}`). */
export function templateVariables(transfer: SmsTransfer) {
  return { sum: transfer.amount, currency: transfer.currency, recipient: transfer.payee };
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g;
// docs/pingone-contract.md §9: PingOne's code placeholder is written ${OTP}; ${otp} is read too.
const CODE_PLACEHOLDER = /\$\{(?:OTP|otp)\}/;

/**
 * The SMS PingOne renders from the transaction template: pi.template's variables and the code
 * in their placeholders, any other placeholder left as written.
 */
export function transferSms(transfer: SmsTransfer, otp: string, content = TEMPLATE_CONTENT) {
  const values: Record<string, string> = { ...templateVariables(transfer), OTP: otp, otp };
  return content.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

export interface SmsPreview extends SmsMeasure {
  /** The SMS with `•` for each digit of the code. */
  text: string;
}

/**
 * The SMS a transfer makes, measured: with a code of the device policy's length, whose digits
 * cost one unit in either encoding.
 */
export function smsPreview(
  transfer: SmsTransfer,
  otpLength = SMS_OTP_LENGTH,
  content = TEMPLATE_CONTENT,
): SmsPreview {
  return {
    ...measureSms(transferSms(transfer, '0'.repeat(otpLength), content)),
    text: transferSms(transfer, '•'.repeat(otpLength), content),
  };
}

/** "GSM-7 · 52 of 160 characters · 1 SMS", in words a person reads before approving. */
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

/**
 * The words the template puts next to the code ("Code" in "? Code: ${OTP}"): a payee that
 * contains one can make the SMS show a code of its own before the real one.
 */
export function codeWords(content = TEMPLATE_CONTENT): string[] {
  const [before = '', ...after] = content.split(CODE_PLACEHOLDER);
  const literals = [before.split(PLACEHOLDER).at(-1) ?? '', ...after.map((t) => t.split('${')[0]!)];
  return [...new Set(literals.flatMap((text) => text.match(/\p{L}+/gu) ?? []))];
}
