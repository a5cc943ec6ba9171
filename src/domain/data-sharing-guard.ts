/**
 * The data-sharing guard (SOP 6.4): data shared with a platform carries only what the content itself
 * shows and what is public. Before a draft goes to QA, it is checked against the referral's own
 * personal data (subject names and handles, dates of birth, incident references) and every match is
 * shown to the operative in the words the draft uses. Pure: no I/O.
 *
 * Matching works on word tokens (runs of letters, runs of digits), compared without case or accents, so
 * spacing, line breaks and punctuation between parts do not hide a leak. A name must appear whole
 * (its parts in order, or surname first as in "Smith, John"), never a single part of it, and a
 * one-word name or handle of fewer than 3 characters is not looked for, to avoid silly false alarms.
 */

export type PersonalData = {
  subjectNames: readonly string[];
  handles?: readonly string[];
  /** YYYY-MM-DD */
  datesOfBirth: readonly string[];
  incidentReferences: readonly string[];
};

export type LeakKind = 'subject_name' | 'handle' | 'date_of_birth' | 'incident_reference';
/** `match` is the offending text as it appears in the draft; `index` is where it starts. */
export type Leak = { kind: LeakKind; match: string; index: number };

type Token = { text: string; start: number; end: number };

/** Below this many letters and digits, a lone word is too common to flag on its own. */
const MIN_LENGTH = 3;
/** Between two parts of one name or reference: any whitespace, and at most this much punctuation. */
const MAX_PUNCTUATION_BETWEEN_PARTS = 3;

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Letters and digits form separate tokens, so "CAD1234" is found for the reference "1234" as for "CAD 1234". */
function tokenise(text: string): Token[] {
  return [...text.matchAll(/[\p{L}\p{M}]+|\p{N}+/gu)].map((m) => ({ text: fold(m[0]), start: m.index, end: m.index + m[0].length }));
}

const parts = (s: string) => tokenise(s).map((t) => t.text);

/**
 * Where in the draft the given parts appear as consecutive tokens. A draft token may join several
 * whole parts ("JohnSmith", "CAD1234"). With `splitParts`, a part may also be split across draft
 * tokens (handles and references: "j.smith" for "jsmith", "4512345 22" for "451234522"); names
 * keep their parts whole, so "Al Ford" does not match inside "Alf Ord".
 */
type Found = { start: number; end: number; first: number; last: number };

function findParts(draft: string, tokens: Token[], wanted: string[], splitParts: boolean): Found[] {
  const whole = wanted.join('');
  if (!whole) return [];
  const boundaries = new Set<number>();
  wanted.reduce((n, p) => (boundaries.add(n + p.length), n + p.length), 0);
  const found: Found[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let got = '';
    for (let j = i; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (j > i && !joinable(draft.slice(tokens[j - 1]!.end, t.start))) break;
      got += t.text;
      if (!whole.startsWith(got) || (!splitParts && !boundaries.has(got.length))) break;
      if (got.length === whole.length) {
        found.push({ start: tokens[i]!.start, end: t.end, first: i, last: j });
        break;
      }
    }
  }
  return found;
}

function joinable(between: string): boolean {
  return between.replace(/\s+/g, '').length <= MAX_PUNCTUATION_BETWEEN_PARTS;
}

/**
 * A name as given ("John Paul Smith"), and first and last without middle names ("John Smith").
 * Surname first is looked for separately (`surnameFirst`), since "Smith John" may be two mentions.
 */
function nameOrders(p: string[]): string[][] {
  if (p.length < 2) return p.length === 1 && p[0]!.length >= MIN_LENGTH ? [p] : [];
  if (p.join('').length < MIN_LENGTH) return [];
  return p.length > 2 ? [p, [p[0]!, p[p.length - 1]!]] : [p];
}

/**
 * Surname first, as records write it: "Smith, John" or "SMITH John" (a comma after the surname, or
 * the surname in capitals before a forename that is not): not "... smith. John ..." across sentences.
 */
function surnameFirst(draft: string, tokens: Token[], p: string[]): Found[] {
  if (p.length < 2 || p.join('').length < MIN_LENGTH) return [];
  const surname = p[p.length - 1]!;
  const forenames = p.slice(0, -1);
  return [forenames, [p[0]!]]
    .slice(0, forenames.length > 1 ? 2 : 1)
    .flatMap((f) => findParts(draft, tokens, [surname, ...f], false))
    .filter((m) => {
      let n = 0;
      let j = m.first;
      while (j <= m.last && (n += tokens[j]!.text.length) < surname.length) j++;
      if (n !== surname.length || j >= m.last) return false;
      const between = draft.slice(tokens[j]!.end, tokens[j + 1]!.start);
      const written = (k: number) => draft.slice(tokens[k]!.start, tokens[k]!.end);
      const capitals = (w: string) => w === w.toUpperCase() && w !== w.toLowerCase();
      return between.includes(',') || (capitals(draft.slice(m.start, tokens[j]!.end)) && !capitals(written(j + 1)));
    });
}

/** The systems of SOP 8.3.3, so that "CAD 1234/22Nov" is found with or without its system name. */
const SYSTEM_PREFIX = /^(connect|cad|cris|crimint|merlin|apmis)/;

function referenceForms(ref: string): string[][] {
  const whole = parts(ref).join('');
  if (whole.length < MIN_LENGTH) return [];
  const bare = whole.replace(SYSTEM_PREFIX, '');
  return bare !== whole && bare.length >= MIN_LENGTH ? [[whole], [bare]] : [[whole]];
}

function handleForms(handle: string): string[][] {
  const whole = parts(handle.trim().replace(/^@/, '')).join('');
  return whole.length >= MIN_LENGTH ? [[whole]] : [];
}

/* Dates of birth ------------------------------------------------------------------------------ */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const SEP = '(?:\\s*[-/.,]\\s*|\\s+)';
const ORD = '(?:st|nd|rd|th)?';
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
type Ymd = { y: string; m: number; d: number };
/** Each pattern yields the candidate readings of its match (day-first, and month-first when that is possible). */
const DATE_PATTERNS: [RegExp, (m: RegExpExecArray) => Ymd[]][] = [
  [new RegExp(`${B}(\\d{4})${SEP}(\\d{1,2})${SEP}(\\d{1,2})${E}`, 'gu'), (m) => [{ y: m[1]!, m: +m[2]!, d: +m[3]! }]],
  [
    new RegExp(`${B}(\\d{1,2})${SEP}(\\d{1,2})${SEP}(\\d{4}|\\d{2})${E}`, 'gu'),
    (m) => [
      { y: m[3]!, m: +m[2]!, d: +m[1]! },
      { y: m[3]!, m: +m[1]!, d: +m[2]! },
    ],
  ],
  [
    new RegExp(`${B}(\\d{1,2})${ORD}(?:\\s+of)?${SEP}${MONTH}${SEP}(\\d{4}|\\d{2})${E}`, 'giu'),
    (m) => [{ y: m[3]!, m: monthNumber(m[2]!), d: +m[1]! }],
  ],
  [
    new RegExp(`${B}${MONTH}${SEP}(\\d{1,2})${ORD}${SEP}(\\d{4}|\\d{2})${E}`, 'giu'),
    (m) => [{ y: m[3]!, m: monthNumber(m[1]!), d: +m[2]! }],
  ],
  [
    new RegExp(`${B}(\\d{2})(\\d{2})(\\d{4})${E}|${B}(\\d{4})(\\d{2})(\\d{2})${E}`, 'gu'),
    (m) => (m[1] ? [{ y: m[3]!, m: +m[2]!, d: +m[1] }] : [{ y: m[4]!, m: +m[5]!, d: +m[6]! }]),
  ],
];

const monthNumber = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;

/** A two-digit year ("14/3/08") is taken to mean the date of birth's own century. */
const sameDate = (dob: string, c: Ymd) => {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const yearMatches = c.y.length === 4 ? Number(c.y) === y : Number(c.y) === y % 100;
  return yearMatches && c.m === m && c.d === d;
};

function findDates(draft: string, datesOfBirth: readonly string[]): Found[] {
  const dobs = datesOfBirth.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  if (dobs.length === 0) return [];
  const found: Found[] = [];
  for (const [pattern, readings] of DATE_PATTERNS) {
    for (const m of draft.matchAll(pattern)) {
      if (readings(m).some((c) => dobs.some((dob) => sameDate(dob, c))))
        found.push({ start: m.index, end: m.index + m[0].length, first: -1, last: -1 });
    }
  }
  return found;
}

/* The guard ----------------------------------------------------------------------------------- */

/**
 * SOP 6.4: every piece of the referral's personal data that the draft repeats. Empty when the
 * draft is clean. Overlapping matches of one kind are reported once, as the longest.
 */
export function findLeaks(draft: string, personal: PersonalData): Leak[] {
  const tokens = tokenise(draft);
  const spans: { kind: LeakKind; start: number; end: number; weak?: boolean }[] = [];
  const add = (kind: LeakKind, found: Found[], weak = false) =>
    spans.push(...found.map((f) => ({ kind, start: f.start, end: f.end, weak })));

  for (const name of personal.subjectNames) {
    const p = parts(name);
    for (const order of nameOrders(p)) add('subject_name', findParts(draft, tokens, order, false));
    // "john-smith, john.smith" is two mentions, not "Smith, John": surname first yields to them.
    add('subject_name', surnameFirst(draft, tokens, p), true);
  }
  for (const handle of personal.handles ?? []) {
    // Show the @ when the draft wrote one.
    for (const form of handleForms(handle))
      add(
        'handle',
        findParts(draft, tokens, form, true).map((f) => (draft[f.start - 1] === '@' ? { ...f, start: f.start - 1 } : f)),
      );
  }
  add('date_of_birth', findDates(draft, personal.datesOfBirth));
  for (const ref of personal.incidentReferences)
    for (const form of referenceForms(ref)) add('incident_reference', findParts(draft, tokens, form, true));

  const overlaps = (a: (typeof spans)[number], b: (typeof spans)[number]) =>
    a !== b && a.kind === b.kind && a.start < b.end && b.start < a.end;
  const kept = spans.filter(
    (s) =>
      !spans.some(
        (o) => overlaps(o, s) && ((s.weak && !o.weak) || (o.start <= s.start && o.end >= s.end && o.end - o.start > s.end - s.start)),
      ),
  );
  const seen = new Set<string>();
  return kept
    .sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind))
    .filter((s) => {
      const key = `${s.kind}:${s.start}:${s.end}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .map((s) => ({ kind: s.kind, match: draft.slice(s.start, s.end), index: s.start }));
}
