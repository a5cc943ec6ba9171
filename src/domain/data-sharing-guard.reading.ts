/**
 * How the data-sharing guard (SOP 6.4) reads a draft: as a person sees it, not as its code points
 * are spelt. Characters that show nothing (zero-width spaces and joiners, soft hyphens, direction
 * marks) are dropped, so they cannot hide a name; compatibility forms are unfolded (fullwidth
 * "Ｊａｙｄｅｎ", ligatures, superscripts); accents are stripped; and letters of other scripts that
 * look like Latin ones (Cyrillic "а е о р с х і", Greek "ο ρ ν") are read as those letters. Every
 * character read remembers where it came from, so a match is quoted from the draft as written.
 */

/** Shows nothing: format characters (zero-width, bidi controls, soft hyphen) and the Hangul fillers. */
const INVISIBLE = /^[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0]$/u;

/**
 * Letters that a reader takes for Latin ones. Only look-alikes in ordinary fonts: Cyrillic and
 * Greek capitals and small letters, and the Latin letters that NFKD does not take apart.
 */
const LOOK_ALIKES: Record<string, string> = Object.fromEntries(
  [
    // Cyrillic
    'аa еe оo рp сc хx уy іi јj ѕs һh ԁd ԛq ԝw ӏl кk',
    'АA ВB ЕE КK МM НH ОO РP СC ТT ХX УY ІI ЈJ ЅS ҺH',
    // Greek
    'αa οo ρp ιi κk νv υu χx εe',
    'ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX',
    // Latin letters without a decomposition
    'ıi łl ŁL øo ØO đd ĐD ħh ĦH',
  ]
    .join(' ')
    .split(' ')
    .map((pair) => [pair[0]!, pair.slice(1)] as const)
    .concat([
      ['ß', 'ss'],
      ['æ', 'ae'],
      ['Æ', 'AE'],
      ['œ', 'oe'],
      ['Œ', 'OE'],
    ]),
);

/** One code point as read: compatibility forms unfolded, marks dropped, look-alikes mapped. Case is kept. */
function readCodePoint(c: string): string {
  if (INVISIBLE.test(c)) return '';
  return [...c.normalize('NFKD').replace(/\p{M}/gu, '')].map((x) => LOOK_ALIKES[x] ?? x).join('');
}

/** Text as compared: read, then lower case. Used for the recorded data as for the draft. */
export const fold = (s: string) => [...s].map(readCodePoint).join('').toLowerCase();

/** `text` is the draft as read; `from[i]` and `to[i]` are where `text[i]` came from in the draft. */
export type Reading = { text: string; from: number[]; to: number[] };

export function read(draft: string): Reading {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const c of draft) {
    // Indexes are UTF-16 units, as in the draft: a character outside the BMP takes two.
    const x = readCodePoint(c);
    text += x;
    for (let k = 0; k < x.length; k++) {
      from.push(i);
      to.push(i + c.length);
    }
    i += c.length;
  }
  return { text, from, to };
}

/** A word of the draft: a run of letters or a run of digits ("CAD1234" is two), lower-cased; `at`/`end` are its place in the reading. */
export type Token = { text: string; at: number; end: number };

export function tokenise(r: Reading): Token[] {
  return [...r.text.matchAll(/\p{L}+|\p{N}+/gu)].map((m) => ({ text: m[0].toLowerCase(), at: m.index, end: m.index + m[0].length }));
}

/** The lower-cased words of some recorded text ("Bello-Okafor" → ["bello", "okafor"]). */
export const wordsOf = (s: string) => tokenise(read(s)).map((t) => t.text);
