import { codePoint, describeCharacter, ordinal, quoted } from './character-names.js';
import { mixedScript, scriptsOf, type ScriptedLetter } from './payee-scripts.js';

/**
 * NFC, every run of horizontal white space one plain space, none at either end. Line breaks are
 * kept for payeeProblem to refuse: the page would show one line and the SMS several.
 */
export function normalizePayee(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/(?:(?![\n\v\f\r\u0085\u2028\u2029])\p{White_Space})+/gu, ' ')
    .replace(/^ | $/g, '');
}

// SEPA's basic punctuation (the EPC's Latin character set) and `&`, which company names are full
// of, GSM-7 carries in one septet, and a bank whose rails refuse it can transliterate.
const PUNCTUATION = new Set("/-?:().,'+& ");
const LINE_BREAK = /[\n\v\f\r\u0085\u2028\u2029]/u;
// U+2800 is a symbol, not default-ignorable, and draws nothing too.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;
// After NFC: more accent marks on one letter than any language writes draw over other lines.
const MAX_MARKS = 2;

const ALLOWED_HINT = "Use letters, digits, spaces and / - ? : ( ) . , ' + &.";

/** "The 5th character, “ㅤ” (U+3164, an invisible Hangul filler), cannot be sent by SMS …" */
function refused(
  position: number,
  char: string,
  why = 'cannot be sent by SMS.',
  what = describeCharacter(char).what,
): string {
  const instead = describeCharacter(char).instead;
  const shown = quoted(char);
  const hint = instead ? ` Type ${instead} instead.` : '';
  const which = shown
    ? `, ${shown} (${codePoint(char)}, ${what}),`
    : ` (${codePoint(char)}, ${what})`;
  return `The ${ordinal(position)} character${which} ${why}${hint}`;
}

/** The first character of `payee` that may not be sent, in words. */
function characterProblem(payee: string, letters: ScriptedLetter[]): string | undefined {
  const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(payee);
  let position = 0;
  for (const { segment } of graphemes) {
    position++;
    let base: 'letter' | 'other' | undefined;
    let marks = 0;
    for (const char of segment) {
      if (LINE_BREAK.test(char))
        return refused(position, char, 'cannot be sent: write the payee on one line.');
      if (INVISIBLE.test(char))
        return refused(position, char, 'cannot be sent by SMS: it shows as nothing.');
      if (/\p{C}/u.test(char)) return refused(position, char);
      if (/\p{M}/u.test(char)) {
        if (base !== 'letter')
          return `The ${ordinal(position)} character has an accent mark (${codePoint(char)}) that is not on a letter. Accents go on letters.`;
        if (++marks > MAX_MARKS) {
          // Counted as typed: NFC may have merged one mark into its letter.
          const [letter = '', ...accents] = segment.normalize('NFD');
          return `The ${ordinal(position)} character (“${letter}” with ${accents.length} accent marks) carries more than ${MAX_MARKS}: it cannot be sent by SMS.`;
        }
        const scripts = scriptsOf(char);
        if (scripts !== 'inherited' && scripts.length === 0)
          return refused(position, char, 'cannot be sent by SMS.', 'an accent of another script');
        if (scripts !== 'inherited') letters.push({ position, char, scripts });
        continue;
      }
      const plain = char.normalize('NFKC');
      if (plain !== char && /[\p{L}\p{N}\p{P}\p{S}]/u.test(char)) {
        const form = /[\uff00-\uffef]/u.test(char)
          ? 'a fullwidth or halfwidth form of'
          : /[\u{1d400}-\u{1d7ff}]/u.test(char)
            ? 'a mathematical letter shaped like'
            : 'another form of';
        return `The ${ordinal(position)} character, “${char}” (${codePoint(char)}, ${form} “${plain}”), cannot be sent by SMS: it only looks like “${plain}”. Type “${plain}” instead.`;
      }
      if (/\p{L}/u.test(char)) {
        const scripts = scriptsOf(char);
        if (scripts === 'inherited' || scripts.length === 0) {
          const what = 'a letter of no alphabet names are written in today';
          return refused(position, char, 'cannot be sent by SMS.', what);
        }
        letters.push({ position, char, scripts });
        base = 'letter';
        marks = 0;
        continue;
      }
      base = 'other';
      if (/[0-9]/.test(char) || PUNCTUATION.has(char)) continue;
      return `${refused(position, char)}${describeCharacter(char).instead ? '' : ` ${ALLOWED_HINT}`}`;
    }
  }
  return undefined;
}

/**
 * Why `payee` (normalized) cannot be texted, in words for the form: a character that cannot go,
 * letters of two alphabets, or text that could make the SMS show a code that is not PingOne's.
 */
export function payeeProblem(payee: string, rules: { otpLength: number; codeWords: string[] }) {
  // The payee is substituted into PingOne's SMS template; a placeholder in it must not be.
  if (payee.includes('${')) return 'The sequence "${" is not allowed.';
  const letters: ScriptedLetter[] = [];
  const problem = characterProblem(payee, letters) ?? mixedScript(letters);
  if (problem) return problem;
  for (const word of rules.codeWords) {
    const found = new RegExp(`(?<!\\p{L})${word}(?!\\p{L})`, 'iu').exec(payee);
    if (found)
      return `The payee cannot contain the word “${found[0]}”: the SMS puts your code after “${word}”, so a payee that says it could show a code that is not yours.`;
  }
  if (new RegExp(`[0-9]{${rules.otpLength}}`).test(payee))
    return `The payee cannot contain ${rules.otpLength} or more digits in a row: in the SMS they could pass for your code.`;
  return undefined;
}
