import type { Reading } from './data-sharing-guard.reading.js';

/**
 * Dates of birth in the ways people write them (SOP 6.4): "2005-03-03", "3/3/2005", "03.03.05",
 * "3 March 2005", "3rd of March, 2005", "March 3, 2005", "3-Mar-05", "20050303", "03032005". Read
 * from the draft as read (so fullwidth digits and hidden characters do not hide one). A date with
 * two numbers under 13 is read both day first and month first ("3/14/2008" is 14 March too).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const SEP = '(?:\\s*[-/.,]\\s*|\\s+)';
const ORD = '(?:st|nd|rd|th)?';
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
type Ymd = { y: string; m: number; d: number };

const monthNumber = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;

/** Each pattern yields the candidate readings of its match. No pattern nests a repeat: linear in the draft. */
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
  [new RegExp(`${B}(\\d{2})(\\d{2})(\\d{4})${E}`, 'gu'), (m) => [{ y: m[3]!, m: +m[2]!, d: +m[1]! }]],
  [new RegExp(`${B}(\\d{4})(\\d{2})(\\d{2})${E}`, 'gu'), (m) => [{ y: m[1]!, m: +m[2]!, d: +m[3]! }]],
];

/** A two-digit year ("14/3/08") is taken to mean the date of birth's own century. */
function sameDate(dob: string, c: Ymd) {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const yearMatches = c.y.length === 4 ? Number(c.y) === y : Number(c.y) === y % 100;
  return yearMatches && c.m === m && c.d === d;
}

/** Where the draft writes one of the dates of birth (YYYY-MM-DD), as spans of the reading. */
export function findDates(r: Reading, datesOfBirth: readonly string[]): { at: number; end: number }[] {
  const dobs = datesOfBirth.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
  if (dobs.length === 0) return [];
  return DATE_PATTERNS.flatMap(([pattern, readings]) =>
    [...r.text.matchAll(pattern)]
      .filter((m) => readings(m).some((c) => dobs.some((dob) => sameDate(dob, c))))
      .map((m) => ({ at: m.index, end: m.index + m[0].length })),
  );
}
