import { createHash } from 'node:crypto';
import { DEFAULT_SMS_MAX_SEGMENTS } from '../config/app-config.js';
import type { FieldErrors } from '../errors.js';
import { SMS_OTP_LENGTH } from '../provisioning/steps/device.js';
import { normalizePayee, payeeProblem } from './payee-text.js';
import { codeWords, smsPreview, type SmsTransfer } from './sms-text.js';

/** `amount` with two decimals, "250.00". */
export type Transfer = SmsTransfer & { currency: Currency; fromAccount: string };

/** ISO 4217 codes offered on the form; all use two minor units, like `amount`. */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'SGD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The demo's only source account; a real bank would take it from the signed-in customer. */
export const FROM_ACCOUNT = 'Everyday account •••• 4821';

const MAX_AMOUNT = 1_000_000;
/** A SEPA creditor name's length, in UTF-16 units as the form's `maxlength` counts them. */
export const PAYEE_MAX = 70;

const DEFAULT_LIMITS = { maxSegments: DEFAULT_SMS_MAX_SEGMENTS, otpLength: SMS_OTP_LENGTH };
export type SmsLimits = typeof DEFAULT_LIMITS;
const CODE_WORDS = codeWords();
export const LONGEST_AMOUNT = `${MAX_AMOUNT}.00`;

export const DEMO_TRANSFER = {
  amount: '250.00',
  currency: 'EUR',
  payee: 'Bob Example Ltd',
} as const;

type TransferResult =
  { ok: true; transfer: Transfer } | { ok: false; errors: FieldErrors; values: SmsTransfer };

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** How many characters from the end the payee must lose for the SMS to fit `limits`. */
function overflow(transfer: SmsTransfer, limits: SmsLimits): number {
  const chars = [...transfer.payee];
  let cut = 0;
  const fits = (payee: string) =>
    smsPreview({ ...transfer, payee }, limits.otpLength).segments <= limits.maxSegments;
  while (cut < chars.length && !fits(chars.slice(0, chars.length - cut).join(''))) cut++;
  return cut;
}

function payeeError(transfer: SmsTransfer, limits: SmsLimits): string | undefined {
  const { payee } = transfer;
  if (!payee) return 'Enter who receives the money.';
  if (payee.length > PAYEE_MAX) return `Use at most ${PAYEE_MAX} characters.`;
  const problem = payeeProblem(payee, { otpLength: limits.otpLength, codeWords: CODE_WORDS });
  if (problem) return problem;
  const sms = smsPreview(transfer, limits.otpLength);
  if (sms.segments <= limits.maxSegments) return undefined;
  const cut = overflow(transfer, limits);
  const why = sms.outside ? `: “${sms.outside}” is not in the GSM alphabet` : '';
  return (
    `With this payee the SMS takes ${sms.segments} messages (${sms.encoding}${why}); at most ` +
    `${limits.maxSegments} are sent. Shorten it by ${cut} ${cut === 1 ? 'character' : 'characters'}.`
  );
}

// Every rule is checked here whatever the browser did: the amount and the payee are what PingOne
// texts, so they must read the same on the page, in the SMS and in the record.
export function parseTransfer(body: unknown, limits: SmsLimits = DEFAULT_LIMITS): TransferResult {
  const values = {
    amount: field(body, 'amount').trim(),
    currency: field(body, 'currency').trim().toUpperCase(),
    payee: normalizePayee(field(body, 'payee')),
  };
  const errors: FieldErrors = {};

  const amountMatch = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(values.amount);
  let amount = '';
  if (!values.amount) errors.amount = 'Enter an amount.';
  else if (!amountMatch)
    errors.amount = 'Enter an amount like 250 or 250.50 (at most two decimals).';
  else {
    const cents = Number(amountMatch[1]) * 100 + Number((amountMatch[2] ?? '').padEnd(2, '0'));
    if (cents <= 0) errors.amount = 'The amount must be more than zero.';
    else if (cents > MAX_AMOUNT * 100)
      errors.amount = `The amount must be at most ${MAX_AMOUNT.toLocaleString('en')}.`;
    else amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  }

  if (!(CURRENCIES as readonly string[]).includes(values.currency)) {
    errors.currency = `Choose one of ${CURRENCIES.join(', ')}.`;
  }

  const { payee } = values;
  // While the amount or currency is wrong, the SMS is measured with the longest one.
  const currency = errors.currency ? 'EUR' : values.currency;
  const payeeWrong = payeeError({ amount: amount || LONGEST_AMOUNT, currency, payee }, limits);
  if (payeeWrong) errors.payee = payeeWrong;

  if (Object.keys(errors).length) return { ok: false, errors, values };
  const transfer = { amount, currency: currency as Currency, payee, fromAccount: FROM_ACCOUNT };
  return { ok: true, transfer };
}

export function transferHash(id: string, t: Transfer): string {
  const canonical = JSON.stringify([id, t.amount, t.currency, t.payee, t.fromAccount]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
