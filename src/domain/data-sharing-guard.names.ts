import { createRequire } from 'node:module';
import { positionsOf, type Form, type Found } from './data-sharing-guard.match.js';
import { fold, wordsOf, type Reading, type Token } from './data-sharing-guard.reading.js';

/**
 * The ways a reader recognises a subject's name in a draft (SOP 6.4), and when one part of a name
 * alone is one. See docs/decisions/009-data-sharing-guard.md.
 *
 * "Jayden Doe" is found as the whole name in any case and spacing ("jayden  DOE", "JaydenDoe"), first
 * and last without middle names, surname first ("Doe, Jayden", "DOE Jayden"), initial and surname
 * ("J. Doe", "J Doe", "JP Doe"), surname and initial ("Doe J", "Doe, J."), a title and the surname
 * ("Mr Doe"), and one word alone ("Jayden") when it is at least 3 letters and not an ordinary word.
 */

/**
 * Ordinary words: the commonest 20,000 of the English word list zxcvbn ranks by use (film and TV
 * subtitles), which holds "will", "may", "grace", "rob", "mark", "bill", "drill" and "block", and
 * also the commonest names ("John", "Smith", "Doe"), which alone say little about who is meant.
 * Rarer names stay out of it: "Jayden" ranks about 24,000, "Okafor" 52,000. To these, the street
 * words the unit's drafts use that the list lacks.
 */
const COMMON_WORDS = 20_000;
const STREET_WORDS = ['opp', 'opps', 'mandem', 'gyal', 'skeng', 'yute', 'yutes', 'nank', 'bando', 'roadman', 'postcode', 'grime', 'diss'];
const require = createRequire(import.meta.url);
let ordinary: Set<string> | undefined;
/** Loaded on first use, not at start: the word lists cost a noticeable part of every CLI and server start. */
function ordinaryWords(): Set<string> {
  if (ordinary) return ordinary;
  const { dictionary } = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  return (ordinary = new Set([...dictionary['commonWords-en'].slice(0, COMMON_WORDS), ...STREET_WORDS].map(fold)));
}

/** A part shorter than this alone is never looked for. */
const MIN_LETTERS = 3;

export const isOrdinaryWord = (word: string) => ordinaryWords().has(fold(word));

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'master', 'mister', 'sir', 'dame', 'lady', 'lord']);
/** Initials that are also English words: alone before a surname they need their full stop ("A. Block", not "a block"). */
const WORD_INITIALS = new Set(['a', 'i']);

const isCapital = (c: string | undefined) => c !== undefined && c !== c.toLowerCase();
const dotAfter = (r: Reading, p: number) => /^\s*\./.test(r.text.slice(p + 1, p + 4));

/**
 * Surname first, as records write it: a comma after the surname, or the surname in capitals before
 * a forename that is not ("SMITH John"), not "... smith. John ..." across two sentences.
 */
function surnameFirst(surnameLength: number) {
  return (f: Found, tokens: readonly Token[], r: Reading) => {
    const at = positionsOf(f, tokens);
    const end = at[surnameLength - 1]!;
    const next = at[surnameLength]!;
    if (next === end + 1) return undefined; // one word: "SmithJohn" is a handle's writing, not a name's
    const surname = r.text.slice(at[0], end + 1);
    const rest = r.text.slice(next, at[at.length - 1]! + 1);
    const capitals = (w: string) => w === w.toUpperCase() && w !== w.toLowerCase();
    return r.text.slice(end + 1, next).includes(',') || (capitals(surname) && !capitals(rest)) ? f : undefined;
  };
}

/** Initials then surname: each initial a capital or followed by a full stop; "A"/"I" alone need the stop. */
function initialsFirst(initials: number) {
  return (f: Found, tokens: readonly Token[], r: Reading) => {
    const at = positionsOf(f, tokens).slice(0, initials);
    if (!at.every((p) => isCapital(r.text[p]) || dotAfter(r, p))) return undefined;
    if (initials === 1 && WORD_INITIALS.has(r.text[at[0]!]!.toLowerCase()) && !dotAfter(r, at[0]!)) return undefined;
    return f;
  };
}

/**
 * Surname then initials ("Doe J", "DOE, J."): each initial a capital letter standing alone, the
 * surname capitalised or followed by a comma; "Block A" (a building) needs the comma, a stop or capitals.
 */
function initialsAfter(surnameLength: number, initials: number) {
  return (f: Found, tokens: readonly Token[], r: Reading) => {
    const at = positionsOf(f, tokens);
    const end = at[surnameLength - 1]!;
    const letters = at.slice(surnameLength);
    if (letters.length !== initials || letters.some((p, k) => !isCapital(r.text[p]) || (k > 0 && p === letters[k - 1]! + 1)))
      return undefined;
    if (letters[0] === end + 1 || /\p{L}/u.test(r.text[letters[letters.length - 1]! + 1] ?? '')) return undefined;
    const comma = r.text.slice(end + 1, letters[0]).includes(',');
    const surname = r.text.slice(at[0], end + 1);
    if (!comma && !isCapital(surname[0])) return undefined;
    const wordInitial = initials === 1 && WORD_INITIALS.has(r.text[letters[0]!]!.toLowerCase());
    return !wordInitial || comma || dotAfter(r, letters[0]!) || surname === surname.toUpperCase() ? f : undefined;
  };
}

/** A title right before the surname ("Mr Doe", "MRS. DOE"): the match widens to include it. */
function afterTitle(f: Found, tokens: readonly Token[], r: Reading): Found | undefined {
  const title = tokens[f.first - 1];
  if (!title || !TITLES.has(title.text)) return undefined;
  return /^\.?\s+$|^\.$/.test(r.text.slice(title.end, tokens[f.first]!.at)) ? { first: f.first - 1, last: f.last } : undefined;
}

const lone = (parts: string[]): Form[] =>
  parts.join('').length >= MIN_LETTERS && !parts.every((p) => ordinaryWords().has(p)) && !ordinaryWords().has(parts.join(''))
    ? [{ kind: 'subject_name', parts, strength: 1 }]
    : [];

/** Every form of one recorded name ("Jayden Doe", "Aisha Bello-Okafor", "J Li", "Kane"). */
export function nameForms(name: string): Form[] {
  const words = name
    .split(/\s+/)
    .map(wordsOf)
    .filter((w) => w.length > 0);
  // One word alone, and each part of a hyphenated one ("Okafor" of "Bello-Okafor").
  const alone = words.flatMap((w) => [...lone(w), ...(w.length > 1 ? w.flatMap((p) => lone([p])) : [])]);
  if (words.length < 2 || words.flat().join('').length < MIN_LETTERS) return alone.map((f) => ({ ...f, split: 'punctuation' }));

  const surname = words[words.length - 1]!;
  const forenames = words.slice(0, -1);
  const first = forenames[0]!;
  const s = surname.join('').length;
  const initials = forenames.map((w) => w[0]![0]!);
  const forms: Form[] = [
    ...alone,
    { kind: 'subject_name', parts: words.flat(), strength: 3 },
    { kind: 'subject_name', parts: [...surname, ...forenames.flat()], strength: 2, accept: surnameFirst(s) },
    { kind: 'subject_name', parts: [...initials, ...surname], strength: 2, accept: initialsFirst(initials.length) },
    { kind: 'subject_name', parts: [...surname, ...initials], strength: 2, accept: initialsAfter(s, initials.length) },
    { kind: 'subject_name', parts: surname, strength: 2, accept: afterTitle },
  ];
  if (forenames.length > 1)
    forms.push(
      { kind: 'subject_name', parts: [...first, ...surname], strength: 3 },
      { kind: 'subject_name', parts: [...surname, ...first], strength: 2, accept: surnameFirst(s) },
      { kind: 'subject_name', parts: [first[0]![0]!, ...surname], strength: 2, accept: initialsFirst(1) },
      { kind: 'subject_name', parts: [...surname, first[0]![0]!], strength: 2, accept: initialsAfter(s, 1) },
    );
  // A name's parts may be split by punctuation ("Jay-den", "J.A.Y.D.E.N"), not by a space.
  return forms.map((f) => ({ ...f, split: 'punctuation' }));
}
