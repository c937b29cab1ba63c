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
    ['x'.repeat(71), 'at most 70'],
    ['Bob\u0007', 'printable'],
    ['Bob\nAlice', 'printable'],
    ['Pay ${OTP}', '"${"'],
  ])('refuses the payee %j', (payee, message) => {
    const result = parseTransfer({ ...valid, payee });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.payee).toContain(message);
  });

  it('accepts 70 characters counted as code points, accents included', () => {
    expect(parseTransfer({ ...valid, payee: 'é'.repeat(70) }).ok).toBe(true);
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
