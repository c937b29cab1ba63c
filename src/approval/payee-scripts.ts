import { codePoint, ordinal } from './character-names.js';

// Unicode's Recommended scripts (UAX #31, Table 5): a letter of a historic script, or a
// letter-like symbol of none (mathematical alphanumerics are Common), is no part of a name.
const NAME_SCRIPTS = (
  'Arabic Armenian Bengali Bopomofo Cyrillic Devanagari Ethiopic Georgian Greek Gujarati ' +
  'Gurmukhi Han Hangul Hebrew Hiragana Kannada Katakana Khmer Lao Latin Malayalam Myanmar ' +
  'Oriya Sinhala Tamil Telugu Thaana Thai Tibetan'
).split(' ');

// Script_Extensions, not Script: the Japanese long-vowel mark "ー" is script Common but used in
// Hiragana and Katakana only, and scx says so.
const PATTERNS = NAME_SCRIPTS.map((name) => [name, new RegExp(`\\p{scx=${name}}`, 'u')] as const);

// The writing systems that mix scripts by nature (UTS #39's Highly Restrictive level); each may
// also stand beside Latin ("ABC株式会社").
const WRITING_SYSTEMS: Record<string, string[]> = {
  Han: ['Japanese', 'Korean', 'Chinese'],
  Hiragana: ['Japanese'],
  Katakana: ['Japanese'],
  Hangul: ['Korean'],
  Bopomofo: ['Chinese'],
};
const BESIDE_LATIN = new Set(['Japanese', 'Korean', 'Chinese']);

/** `position`: 1 = first, as the refusal names it. */
export type ScriptedLetter = { position: number; char: string; scripts: string[] };

/** The name scripts `char` is used in; `inherited` for an accent that takes its letter's. */
export function scriptsOf(char: string): string[] | 'inherited' {
  if (/\p{scx=Inherited}/u.test(char)) return 'inherited';
  return PATTERNS.filter(([, pattern]) => pattern.test(char)).map(([name]) => name);
}

function withSystems(scripts: string[]): Set<string> {
  return new Set(scripts.flatMap((s) => [s, ...(WRITING_SYSTEMS[s] ?? [])]));
}

/** A Latin name with one Cyrillic "о" reads as another name to the eye and to a bank's matching. */
export function mixedScript(letters: ScriptedLetter[]): string | undefined {
  const others = letters.filter((l) => !l.scripts.includes('Latin'));
  if (others.length === 0) return undefined;
  const [first, ...rest] = others.map((l) => withSystems(l.scripts));
  const shared = [...first!].filter((s) => rest.every((set) => set.has(s)));
  const latin = others.length < letters.length;
  if (shared.length > 0 && (!latin || shared.some((s) => BESIDE_LATIN.has(s)))) return undefined;

  const counts = new Map<string, number>();
  for (const l of letters) for (const s of l.scripts) counts.set(s, (counts.get(s) ?? 0) + 1);
  const main = [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
  const mainSet = withSystems([main]);
  const stranger = letters.find((l) => ![...withSystems(l.scripts)].some((s) => mainSet.has(s)))!;
  const its = stranger.scripts[0] ?? 'another';
  return `The ${ordinal(stranger.position)} character, “${stranger.char}” (${codePoint(stranger.char)}, a ${its} letter), is among ${main} letters: letters of two alphabets can look the same and make the name read as another. Write the whole name in one alphabet.`;
}
