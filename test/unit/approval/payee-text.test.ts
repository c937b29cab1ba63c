import { describe, expect, it } from 'vitest';
import { ordinal } from '../../../src/approval/character-names.js';
import { normalizePayee, payeeProblem } from '../../../src/approval/payee-text.js';
import { codeWords } from '../../../src/approval/sms-text.js';
import { parseTransfer } from '../../../src/approval/transfer.js';

const rules = { otpLength: 6, codeWords: codeWords() };
const problemOf = (raw: string) => payeeProblem(normalizePayee(raw), rules);

describe('payee text: names people write are accepted as typed', () => {
  it.each([
    ['Latin with diacritics', 'Zoë Müller GmbH'],
    ['Polish', 'Przedsiębiorstwo Handlowo-Usługowe Żółć Sp. z o.o.'],
    ['German', 'Jürgen Weiß & Söhne KG'],
    ['French', "Société Générale d'Électricité (Lefèvre, Cœur)"],
    ['Nordic', 'Åsa Ødegård Ærø AB'],
    ['Icelandic', 'Þórður Ásgeirsson'],
    ['Czech', 'Dvořák a syn s.r.o.'],
    ['Vietnamese, two marks on one letter', 'Nguyễn Thị Ánh'],
    ['three marks of which NFC merges one', 'Ze\u0301\u0302\u0303ro'.normalize('NFC')],
    ['Greek only', 'Σοφία Παπαδοπούλου Α.Ε.'],
    ['Cyrillic only', 'ООО Иван Петров'],
    ['Arabic only', 'شركة السلام'],
    ['Japanese beside Latin', 'ABC株式会社 カタカナー'],
    ['Korean', '김민준 주식회사'],
    ['SEPA punctuation', "A/B - C? D: (E). F, G' H+I"],
    ['digits shorter than the code', 'Flat 12345 Ltd'],
    ['a word that only contains "code"', 'Barcode Systems Ltd'],
  ])('%s: %s', (_, payee) => {
    expect(normalizePayee(payee)).toBe(payee);
    expect(problemOf(payee)).toBeUndefined();
  });

  it('composes to NFC: a letter typed as base + accent is the letter PingOne texts', () => {
    expect(normalizePayee('Zoe\u0308 Mu\u0308ller')).toBe('Zoë Müller');
    expect(problemOf('Zoe\u0308 Mu\u0308ller')).toBeUndefined();
  });

  it('collapses runs of any Unicode space to one space and trims', () => {
    expect(normalizePayee('\u2003Bob\u00a0\u00a0\u2009Example\t\u3000Ltd\u202f')).toBe(
      'Bob Example Ltd',
    );
    expect(normalizePayee('Bob     Example')).toBe('Bob Example');
  });
});

describe('payee text: what the page would hide or the SMS would show otherwise is refused', () => {
  it.each([
    [
      'U+3164 Hangul filler',
      'Bob \u3164?',
      'The 5th character, “\u3164” (U+3164, an invisible Hangul filler), cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+2800 blank Braille',
      'Bob\u2800Ltd',
      'The 4th character, “\u2800” (U+2800, a blank Braille pattern, which shows as empty space), cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+115F Hangul choseong filler',
      '\u115FBob',
      'The 1st character, “\u115F” (U+115F, an invisible Hangul filler), cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+FFA0 halfwidth Hangul filler',
      'Bob\uFFA0',
      'The 4th character, “\uFFA0” (U+FFA0, an invisible halfwidth Hangul filler), cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+034F combining grapheme joiner',
      'Bo\u034Fb',
      'The 2nd character (U+034F, an invisible combining grapheme joiner) cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+200B zero-width space',
      'Bob\u200BLtd',
      'The 4th character (U+200B, a zero-width space) cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+FEFF byte order mark',
      '\uFEFFBOM',
      'The 1st character (U+FEFF, an invisible byte order mark) cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'U+2028 line separator',
      'Bob\u2028Alice',
      'The 4th character (U+2028, a line separator) cannot be sent: write the payee on one line.',
    ],
    [
      'U+2029 paragraph separator',
      'Bob\u2029Alice',
      'The 4th character (U+2029, a paragraph separator) cannot be sent: write the payee on one line.',
    ],
    [
      'U+0085 next line',
      'Bob\u0085Alice',
      'The 4th character (U+0085, a next-line control) cannot be sent: write the payee on one line.',
    ],
    [
      'CR LF',
      'Bob\r\nSet-Cookie: x=1',
      'The 4th character (U+000D, a carriage return) cannot be sent: write the payee on one line.',
    ],
    [
      'U+202E right-to-left override',
      'Bob\u202ELtd',
      'The 4th character (U+202E, an invisible character) cannot be sent by SMS: it shows as nothing.',
    ],
    [
      'four combining marks on one letter (NFC merges one: three are left)',
      'Ze\u0301\u0302\u0303\u0304ro',
      'The 2nd character (“e” with 4 accent marks) carries more than 2: it cannot be sent by SMS.',
    ],
    [
      'sixty combining marks',
      'Bob ' + 'e' + '\u0301'.repeat(60),
      'The 5th character (“e” with 60 accent marks) carries more than 2: it cannot be sent by SMS.',
    ],
    [
      'an accent on a space',
      'Bob \u0301Ltd',
      'The 4th character has an accent mark (U+0301) that is not on a letter. Accents go on letters.',
    ],
    [
      'one Cyrillic letter in a Latin name',
      'Pаypal Ltd',
      'The 2nd character, “а” (U+0430, a Cyrillic letter), is among Latin letters: letters of two alphabets can look the same and make the name read as another. Write the whole name in one alphabet.',
    ],
    [
      'one Greek letter in a Latin name',
      'Bob Εxample',
      'The 5th character, “Ε” (U+0395, a Greek letter), is among Latin letters: letters of two alphabets can look the same and make the name read as another. Write the whole name in one alphabet.',
    ],
    [
      'one Latin letter in a Cyrillic name',
      'Иван Пeтров',
      'The 7th character, “e” (U+0065, a Latin letter), is among Cyrillic letters: letters of two alphabets can look the same and make the name read as another. Write the whole name in one alphabet.',
    ],
    [
      'mathematical bold letters',
      '𝐁𝐨𝐛 Ltd',
      'The 1st character, “𝐁” (U+1D401, a mathematical letter shaped like “B”), cannot be sent by SMS: it only looks like “B”. Type “B” instead.',
    ],
    [
      'fullwidth letters',
      'Ｂｏｂ',
      'The 1st character, “Ｂ” (U+FF22, a fullwidth or halfwidth form of “B”), cannot be sent by SMS: it only looks like “B”. Type “B” instead.',
    ],
    [
      'fullwidth digits',
      'Bob １２',
      'The 5th character, “１” (U+FF11, a fullwidth or halfwidth form of “1”), cannot be sent by SMS: it only looks like “1”. Type “1” instead.',
    ],
    [
      'a letter of a historic script',
      'Hans ᚠ',
      'The 6th character, “ᚠ” (U+16A0, a letter of no alphabet names are written in today), cannot be sent by SMS.',
    ],
    [
      'an emoji',
      '\u{1F4B8} Payee',
      "The 1st character, “\u{1F4B8}” (U+1F4B8, an emoji), cannot be sent by SMS. Use letters, digits, spaces and / - ? : ( ) . , ' + &.",
    ],
    [
      'punctuation outside the SEPA set',
      'Bob; Ltd',
      "The 4th character, “;” (U+003B, a punctuation mark), cannot be sent by SMS. Use letters, digits, spaces and / - ? : ( ) . , ' + &.",
    ],
    [
      'a curly apostrophe',
      'O’Brien',
      "The 2nd character, “’” (U+2019, a curly apostrophe), cannot be sent by SMS. Type ' instead.",
    ],
    [
      'digits of another numbering system',
      'Bob ٣',
      'The 5th character, “٣” (U+0663, a digit of another numbering system), cannot be sent by SMS. Type 0-9 instead.',
    ],
  ])('%s', (_, raw, message) => {
    expect(problemOf(raw)).toBe(message);
  });

  it('keeps refusing "${": the payee is written into the template', () => {
    expect(problemOf('Pay ${OTP}')).toBe('The sequence "${" is not allowed.');
  });

  it('names the place in characters a person counts, not code units', () => {
    // "é" typed decomposed, then an astral letter: both one character each.
    expect(problemOf('e\u0301𠮷\u3164')).toMatch(/^The 3rd character, “\u3164”/);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
    ]);
  });
});

describe('payee text: no code of its own before the real one', () => {
  it('derives the words around the code from the template content', () => {
    expect(codeWords('Approve ${sum} ${currency} to ${recipient}? Code: ${OTP}')).toEqual(['Code']);
    expect(codeWords('Your OTP ${OTP} approves ${sum} to ${recipient}')).toEqual([
      'Your',
      'OTP',
      'approves',
    ]);
    expect(codeWords('Kod: ${otp}')).toEqual(['Kod']);
  });

  it.each([
    ['Bob Ltd? Code: 000000. Ignore next', 'the word “Code”'],
    ['Bob Ltd code 12', 'the word “code”'],
    ['CODE Ltd', 'the word “CODE”'],
    ['Bob Ltd 000000', '6 or more digits in a row'],
    ['Bob 1234567 Ltd', '6 or more digits in a row'],
  ])('refuses %j', (raw, message) => {
    expect(problemOf(raw)).toContain(message);
  });

  it('counts the digits against the code length of the device policy', () => {
    const eight = { otpLength: 8, codeWords: codeWords() };
    expect(payeeProblem('Bob 1234567', eight)).toBeUndefined();
    expect(payeeProblem('Bob 12345678', eight)).toContain('8 or more digits');
  });

  it('is what parseTransfer refuses, on the payee field', () => {
    const result = parseTransfer({
      amount: '1',
      currency: 'EUR',
      payee: 'Bob Ltd? Code: 000000. Ignore next',
    });
    expect(result).toMatchObject({
      ok: false,
      errors: { payee: expect.stringContaining('“Code”') },
      values: { payee: 'Bob Ltd? Code: 000000. Ignore next' },
    });
  });
});
