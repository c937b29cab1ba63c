// JavaScript has no Unicode character names: these are the ones a payee is refused for most
// often; the rest are described by their Unicode category.

type Named = { what: string; instead?: string };

const NAMED: Record<number, Named> = {
  0x0a: { what: 'a line break' },
  0x0b: { what: 'a vertical tab' },
  0x0c: { what: 'a page break' },
  0x0d: { what: 'a carriage return' },
  0x85: { what: 'a next-line control' },
  0xad: { what: 'an invisible soft hyphen' },
  0x034f: { what: 'an invisible combining grapheme joiner' },
  0x061c: { what: 'an invisible Arabic letter mark' },
  0x115f: { what: 'an invisible Hangul filler' },
  0x1160: { what: 'an invisible Hangul filler' },
  0x180e: { what: 'an invisible Mongolian vowel separator' },
  0x200b: { what: 'a zero-width space' },
  0x200c: { what: 'an invisible zero-width non-joiner' },
  0x200d: { what: 'an invisible zero-width joiner' },
  0x200e: { what: 'an invisible left-to-right mark' },
  0x200f: { what: 'an invisible right-to-left mark' },
  0x2010: { what: 'a typographic hyphen', instead: '-' },
  0x2011: { what: 'a non-breaking hyphen', instead: '-' },
  0x2013: { what: 'an en dash', instead: '-' },
  0x2014: { what: 'an em dash', instead: '-' },
  0x2018: { what: 'a curly quotation mark', instead: "'" },
  0x2019: { what: 'a curly apostrophe', instead: "'" },
  0x201c: { what: 'a curly quotation mark' },
  0x201d: { what: 'a curly quotation mark' },
  0x2026: { what: 'an ellipsis', instead: '...' },
  0x2028: { what: 'a line separator' },
  0x2029: { what: 'a paragraph separator' },
  0x2060: { what: 'an invisible word joiner' },
  0x2800: { what: 'a blank Braille pattern, which shows as empty space' },
  0x3164: { what: 'an invisible Hangul filler' },
  0xfeff: { what: 'an invisible byte order mark' },
  0xffa0: { what: 'an invisible halfwidth Hangul filler' },
};

export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export function describeCharacter(char: string): Named {
  const named = NAMED[char.codePointAt(0)!];
  if (named) return named;
  if (/[\p{Default_Ignorable_Code_Point}\p{Cf}]/u.test(char))
    return { what: 'an invisible character' };
  if (/\p{Cc}/u.test(char)) return { what: 'a control character' };
  if (/\p{Co}/u.test(char))
    return { what: 'a private-use character, which phones show differently' };
  if (/\p{Cs}/u.test(char)) return { what: 'half of a character that was cut in two' };
  if (/\p{Cn}/u.test(char)) return { what: 'a code point Unicode has not assigned' };
  if (/\p{Extended_Pictographic}/u.test(char)) return { what: 'an emoji' };
  if (/\p{M}/u.test(char)) return { what: 'an accent mark' };
  if (/\p{N}/u.test(char)) return { what: 'a digit of another numbering system', instead: '0-9' };
  if (/\p{Z}/u.test(char)) return { what: 'a space of another kind' };
  if (/\p{S}/u.test(char)) return { what: 'a symbol' };
  if (/\p{P}/u.test(char)) return { what: 'a punctuation mark' };
  return { what: 'a character' };
}

/** Nothing for a character that would break the line or join the quote mark. */
export function quoted(char: string): string {
  return /[\p{C}\p{M}\p{Zl}\p{Zp}\n\r\v\f\u0085]/u.test(char) ? '' : `“${char}”`;
}
