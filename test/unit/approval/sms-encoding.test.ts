import { describe, expect, it } from 'vitest';
import { measureSms } from '../../../src/approval/sms-encoding.js';
import { smsPreview, smsSummary, transferSms } from '../../../src/approval/sms-text.js';

const transfer = (payee: string) => ({ amount: '250.00', currency: 'EUR', payee });

describe('measureSms: GSM-7 septets or UCS-2 units, and segments', () => {
  it('counts the GSM 03.38 basic set once and the extension table twice', () => {
    expect(measureSms('Hello @£$¥ èéùìò ÄÖÑÜ äöñüà ß Δ')).toMatchObject({
      encoding: 'GSM-7',
      length: 31,
      segments: 1,
      perSegment: 160,
    });
    expect(measureSms('{}[]~^|\\€')).toMatchObject({ encoding: 'GSM-7', length: 18 });
  });

  it('switches to UCS-2 for one character outside GSM-7, and says which', () => {
    expect(measureSms('Zoë')).toMatchObject({
      encoding: 'UCS-2',
      length: 3,
      segments: 1,
      perSegment: 70,
      outside: 'ë',
    });
    // The cedilla c is not in the basic set (its capital is).
    expect(measureSms('Ça')).toMatchObject({ encoding: 'GSM-7' });
    expect(measureSms('ça')).toMatchObject({ encoding: 'UCS-2', outside: 'ç' });
  });

  it('fits 160 septets or 70 units in one SMS, then 153 or 67 per part', () => {
    expect(measureSms('a'.repeat(160)).segments).toBe(1);
    expect(measureSms('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153 });
    expect(measureSms('a'.repeat(306)).segments).toBe(2);
    expect(measureSms('a'.repeat(307)).segments).toBe(3);
    expect(measureSms('ł'.repeat(70)).segments).toBe(1);
    expect(measureSms('ł'.repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    expect(measureSms('ł'.repeat(134)).segments).toBe(2);
    expect(measureSms('ł'.repeat(135)).segments).toBe(3);
  });

  it('never splits an escape pair or a surrogate pair across two parts', () => {
    // 152 septets then "€" (2): 154 > 153, so the euro opens the second part.
    expect(measureSms('a'.repeat(152) + '€' + 'a'.repeat(152))).toMatchObject({
      length: 306,
      segments: 3,
    });
    // 66 units then an emoji (2): it goes whole into the second part.
    expect(measureSms('ł'.repeat(66) + '😀' + 'ł'.repeat(66))).toMatchObject({
      length: 134,
      segments: 3,
    });
  });
});

describe('the transaction SMS, measured as the issue measured it', () => {
  it('"Bob Example Ltd": one segment in GSM-7', () => {
    const sms = smsPreview(transfer('Bob Example Ltd'));
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, length: 51 });
    expect(sms.text).toBe('Approve 250.00 EUR to Bob Example Ltd? Code: ••••••');
    expect(smsSummary(sms)).toBe('GSM-7 · 51 of 160 characters · 1 SMS');
  });

  it('"Zoë Müller GmbH": one segment in UCS-2', () => {
    const sms = smsPreview(transfer('Zoë Müller GmbH'));
    expect(sms).toMatchObject({ encoding: 'UCS-2', segments: 1, length: 51 });
    expect(smsSummary(sms)).toBe(
      'UCS-2 (“ë” is not in the GSM alphabet) · 51 of 70 characters · 1 SMS',
    );
  });

  it('a Polish company name: two segments in UCS-2', () => {
    const sms = smsPreview(transfer('Przedsiębiorstwo Handlowo-Usługowe Żółć Sp. z o.o.'));
    expect(sms).toMatchObject({ encoding: 'UCS-2', segments: 2, length: 86 });
    expect(smsSummary(sms)).toBe(
      'UCS-2 (“ę” is not in the GSM alphabet) · 86 characters, up to 67 in each part · 2 SMS',
    );
  });

  it('70 emoji: three segments (the form refuses emoji; the counter still counts them)', () => {
    expect(smsPreview(transfer('😀'.repeat(70)))).toMatchObject({
      encoding: 'UCS-2',
      length: 176,
      segments: 3,
    });
  });

  it('counts the code at the device policy’s length, in digits, whatever the mask shows', () => {
    expect(smsPreview(transfer('Bob'), 10).length).toBe(smsPreview(transfer('Bob'), 6).length + 4);
    expect(transferSms(transfer('Bob'), '123456')).toBe('Approve 250.00 EUR to Bob? Code: 123456');
  });
});
