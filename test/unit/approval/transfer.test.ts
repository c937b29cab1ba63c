import { describe, expect, it } from 'vitest';
import { FROM_ACCOUNT, parseTransfer, transferHash } from '../../../src/approval/transfer.js';

const valid = { amount: '250', currency: 'eur', payee: '  Bob Example Ltd ' };

describe('parseTransfer', () => {
  it('normalizes a valid transfer to two decimals, upper-case currency, trimmed payee', () => {
    expect(parseTransfer(valid)).toEqual({
      ok: true,
      transfer: {
        amount: '250.00',
        currency: 'EUR',
        payee: 'Bob Example Ltd',
        fromAccount: FROM_ACCOUNT,
      },
    });
    expect(parseTransfer({ ...valid, amount: '0.5' })).toMatchObject({
      transfer: { amount: '0.50' },
    });
    expect(parseTransfer({ ...valid, amount: '1000000.00' })).toMatchObject({ ok: true });
  });

  it.each([
    ['', 'Enter an amount.'],
    ['-5', 'at most two decimals'],
    ['1e3', 'at most two decimals'],
    ['12.345', 'at most two decimals'],
    ['1,000', 'at most two decimals'],
    ['0', 'more than zero'],
    ['0.00', 'more than zero'],
    ['1000000.01', 'at most 1,000,000'],
    ['99999999', 'at most two decimals'],
  ])('refuses the amount %j', (amount, message) => {
    const result = parseTransfer({ ...valid, amount });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.amount).toContain(message);
  });

  it('refuses a currency outside the list and keeps what was typed for the form', () => {
    const result = parseTransfer({ ...valid, currency: 'XXX' });
    expect(result).toMatchObject({
      ok: false,
      errors: { currency: expect.stringContaining('EUR') },
      values: { currency: 'XXX' },
    });
  });

  it.each([
    ['', 'Enter who receives'],
    ['   ', 'Enter who receives'],
    ['x'.repeat(71), 'at most 70'],
    ['Bob\u0007', 'The 4th character (U+0007, a control character) cannot be sent by SMS.'],
    [
      'Bob\nAlice',
      'The 4th character (U+000A, a line break) cannot be sent: write the payee on one line.',
    ],
    ['Pay ${OTP}', '"${"'],
  ])('refuses the payee %j', (payee, message) => {
    const result = parseTransfer({ ...valid, payee });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.payee).toContain(message);
  });

  it('counts the payee in UTF-16 units after NFC, as the form’s maxlength counts them', () => {
    // "é" typed as e + combining acute is one unit once composed: 70 of them fit.
    const decomposed = 'e\u0301'.repeat(70);
    expect(parseTransfer({ ...valid, payee: decomposed })).toMatchObject({
      ok: true,
      transfer: { payee: 'é'.repeat(70) },
    });
    // A letter outside the Basic Multilingual Plane is two units, as in the browser.
    const astral = '𠮷'.repeat(36);
    expect(astral).toHaveLength(72);
    const result = parseTransfer({ ...valid, payee: astral });
    expect(result.ok || result.errors.payee).toBe('Use at most 70 characters.');
  });

  it('collapses white space of any kind to single spaces and keeps that value for the form', () => {
    const payee = '\u00a0 Bob\t\u2003 Example\u3000\u3000Ltd  ';
    expect(parseTransfer({ ...valid, payee })).toMatchObject({
      transfer: { payee: 'Bob Example Ltd' },
    });
    const refused = parseTransfer({ ...valid, amount: 'x', payee });
    expect(refused).toMatchObject({ ok: false, values: { payee: 'Bob Example Ltd' } });
  });

  it('refuses a payee that makes the SMS longer than the configured segments, saying by how much', () => {
    // 86 UTF-16 units of UCS-2: two segments of 67.
    const polish = 'Przedsiębiorstwo Handlowo-Usługowe Żółć Sp. z o.o.';
    expect(parseTransfer({ ...valid, payee: polish }).ok).toBe(true);
    const one = parseTransfer({ ...valid, payee: polish }, { maxSegments: 1, otpLength: 6 });
    expect(one.ok).toBe(false);
    if (one.ok) return;
    expect(one.errors.payee).toBe(
      'With this payee the SMS takes 2 messages (UCS-2: “ę” is not in the GSM alphabet); at most 1 are sent. Shorten it by 16 characters.',
    );
    const cut = [...polish].slice(0, -16).join('').trimEnd();
    expect(parseTransfer({ ...valid, payee: cut }, { maxSegments: 1, otpLength: 6 }).ok).toBe(true);
    // GSM-7 carries 160: the same length in Latin letters without diacritics fits one.
    const plain = parseTransfer(
      { ...valid, payee: 'Przedsiebiorstwo Handlowo-Uslugowe Zolc Sp. z o.o.' },
      { maxSegments: 1, otpLength: 6 },
    );
    expect(plain.ok).toBe(true);
  });

  it('measures the SMS with the longest amount while the amount is wrong', () => {
    // 31 UCS-2 units: with "1.00" the SMS is 65 of 70, with "1000000.00" it is 71.
    const payee = 'Żółć ' + 'a'.repeat(26);
    const limits = { maxSegments: 1, otpLength: 6 };
    expect(parseTransfer({ ...valid, amount: '1', payee }, limits).ok).toBe(true);
    const wrong = parseTransfer({ ...valid, amount: 'abc', payee }, limits);
    expect(wrong.ok || wrong.errors.payee).toMatch(/takes 2 messages/);
  });

  it('reports every field at once and ignores non-string input', () => {
    const result = parseTransfer({ amount: ['1'], currency: 5, payee: { x: 1 } });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(Object.keys(result.errors).sort()).toEqual(['amount', 'currency', 'payee']);
  });
});

describe('transferHash', () => {
  it('is stable for the same transfer and id and changes with any field', () => {
    const parsed = parseTransfer(valid);
    if (!parsed.ok) throw new Error('valid transfer refused');
    const t = parsed.transfer;
    const h = transferHash('id-1', t);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(transferHash('id-1', { ...t })).toBe(h);
    expect(transferHash('id-2', t)).not.toBe(h);
    expect(transferHash('id-1', { ...t, amount: '250.01' })).not.toBe(h);
    expect(transferHash('id-1', { ...t, payee: 'Mallory' })).not.toBe(h);
  });
});
