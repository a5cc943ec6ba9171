import type { Reading, Token } from './data-sharing-guard.reading.js';

export type LeakKind = 'subject_name' | 'handle' | 'date_of_birth' | 'incident_reference';

/** A match: the draft's words `first` to `last` (indexes into the tokens). */
export type Found = { first: number; last: number };

/**
 * One way of writing a piece of personal data, as the words (`parts`, lower case) a reader would
 * recognise. `strength` decides between overlapping matches: the whole name beats a part of it.
 */
export type Form = {
  kind: LeakKind;
  parts: readonly string[];
  strength: number;
  /**
   * A part may be split across draft words: anyhow for handles and references ("j.smith" for
   * "jsmith", "1234 22 Nov"); for names only by punctuation with no space ("Jay-den", "J.A.Y.D.E.N"),
   * so that "Al Ford" is not found in "Alf Ord". Without it, parts stay whole.
   */
  split?: 'any' | 'punctuation';
  /** A digit in the draft may stand for the letter it looks like (handles: "dr1ll" for "drill"). */
  leet?: boolean;
  /** What may stand between two draft words of one match. */
  joins?: (between: string, before: Token, after: Token) => boolean;
  /** A check on how the draft wrote it (capitals, a comma); may widen the match (a title before a surname). */
  accept?: (found: Found, tokens: readonly Token[], r: Reading) => Found | undefined;
};

/** Between two parts of one name or reference: any whitespace, and at most this much punctuation. */
const MAX_PUNCTUATION_BETWEEN_PARTS = 3;

export const joinable = (between: string) => between.replace(/\s+/g, '').length <= MAX_PUNCTUATION_BETWEEN_PARTS;

/**
 * Digits written for the letters they look like. One way only, draft digit for recorded letter:
 * "jd_dr1ll" is "jd_drill", but a handle "sam_1" is not found in "Sam I".
 */
const LEET: Record<string, string> = { '0': 'o', '1': 'il', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b' };
const sameLetter = (wanted: string, got: string) => wanted === got;
const sameLeet = (wanted: string, got: string) => wanted === got || (LEET[got]?.includes(wanted) ?? false);

const splits = (split: Form['split'], between: string) =>
  split === 'any' || (split === 'punctuation' && between !== '' && !/\s/.test(between));

function fits(word: string, whole: string, at: number, same: (wanted: string, got: string) => boolean) {
  for (let k = 0; k < word.length; k++) if (!same(whole[at + k]!, word[k]!)) return false;
  return true;
}

/**
 * Where the draft writes the form's parts as consecutive words. A draft word may join several whole
 * parts ("JohnSmith", "CAD1234"); with `split`, a part may also be split across draft words. Each
 * start is tried once and stops at the first word that does not fit: linear in the draft for a given form.
 */
export function findForm(r: Reading, tokens: readonly Token[], form: Form): Found[] {
  const whole = form.parts.join('');
  if (!whole) return [];
  const boundaries = new Set<number>();
  form.parts.reduce((n, p) => (boundaries.add(n + p.length), n + p.length), 0);
  const same = form.leet ? sameLeet : sameLetter;
  const joins = form.joins ?? joinable;
  const found: Found[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let got = 0;
    for (let j = i; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (j > i) {
        const between = r.text.slice(tokens[j - 1]!.end, t.at);
        if (!joins(between, tokens[j - 1]!, t)) break;
        // Within a part, not between two: only the splits the form allows.
        if (!boundaries.has(got) && !splits(form.split, between)) break;
      }
      if (got + t.text.length > whole.length || !fits(t.text, whole, got, same)) break;
      got += t.text.length;
      if (got === whole.length) {
        const f = form.accept ? form.accept({ first: i, last: j }, tokens, r) : { first: i, last: j };
        if (f) found.push(f);
        break;
      }
    }
  }
  return found;
}

/** Where in the reading each matched letter or digit is, in order (a draft word may hold several parts). */
export const positionsOf = (f: Found, tokens: readonly Token[]) =>
  tokens.slice(f.first, f.last + 1).flatMap((t) => [...t.text].map((_, k) => t.at + k));
