import { createHash } from 'node:crypto';
import type { FieldErrors } from '../errors.js';

/** A transfer as the user typed it, after validation and normalization. */
export interface Transfer {
  /** Two decimals, "250.00": the value sent to PingOne as `sum`. */
  amount: string;
  currency: Currency;
  payee: string;
  fromAccount: string;
}

/** ISO 4217 codes offered on the form; all use two minor units, like `amount`. */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'SGD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The demo's only source account; a real bank would take it from the signed-in customer. */
export const FROM_ACCOUNT = 'Everyday account •••• 4821';

export const MAX_AMOUNT = 1_000_000;
export const PAYEE_MAX = 70;

export const DEMO_TRANSFER = {
  amount: '250.00',
  currency: 'EUR',
  payee: 'Bob Example Ltd',
} as const;

export type TransferResult =
  | { ok: true; transfer: Transfer }
  | { ok: false; errors: FieldErrors; values: Record<'amount' | 'currency' | 'payee', string> };

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Validates the approve form. Every rule is checked on the server whatever the browser did:
 * the amount is what PingOne puts into the SMS, so it must be exactly what the user approves.
 */
export function parseTransfer(body: unknown): TransferResult {
  const values = {
    amount: field(body, 'amount').trim(),
    currency: field(body, 'currency').trim().toUpperCase(),
    payee: field(body, 'payee').trim(),
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

  const payeeLength = [...values.payee].length;
  if (payeeLength === 0) errors.payee = 'Enter who receives the money.';
  else if (payeeLength > PAYEE_MAX) errors.payee = `Use at most ${PAYEE_MAX} characters.`;
  else if (/\p{C}/u.test(values.payee)) errors.payee = 'Use printable characters only.';
  // The payee is substituted into PingOne's SMS template; a placeholder in it must not be.
  else if (values.payee.includes('${')) errors.payee = 'The sequence "${" is not allowed.';

  if (Object.keys(errors).length) return { ok: false, errors, values };
  return {
    ok: true,
    transfer: {
      amount,
      currency: values.currency as Currency,
      payee: values.payee,
      fromAccount: FROM_ACCOUNT,
    },
  };
}

/** SHA-256 (hex) of the transfer and its id in a fixed field order. */
export function transferHash(id: string, transfer: Transfer): string {
  const canonical = JSON.stringify([
    id,
    transfer.amount,
    transfer.currency,
    transfer.payee,
    transfer.fromAccount,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
