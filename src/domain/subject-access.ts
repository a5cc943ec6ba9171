/**
 * Subject access (DPA 2018 s.45, s.54; issue 15 point 3; decision 024): the rules, pure. Matching a
 * person in a text reuses the data-sharing guard (SOP 6.4), which already reads a name, a handle and
 * a date of birth in the ways people write them; redaction is the same reading the other way round.
 */
import { findLeaks } from './data-sharing-guard.js';
import { identitiesOf } from './subject-identities.js';

export const REDACTED = '[redacted: third party]';

/** The person as the auditor searched for them: names, handles, dates of birth (YYYY-MM-DD). */
export type Person = { names: string[]; handles: string[]; datesOfBirth: string[] };

/** "Jayden Doe (@jd_drill)" and "@jd_drill" as the guard reads them: names and handles apart. */
export function personOf(input: { name?: string; handle?: string; dateOfBirth?: string }): Person {
  const fromName = input.name ? identitiesOf(input.name) : { names: [], handles: [] };
  const fromHandle = input.handle
    ? identitiesOf(input.handle.startsWith('@') ? input.handle : `@${input.handle}`)
    : { names: [], handles: [] };
  return {
    names: [...new Set([...fromName.names])],
    handles: [...new Set([...fromName.handles, ...fromHandle.handles, ...fromHandle.names])],
    datesOfBirth: input.dateOfBirth ? [input.dateOfBirth] : [],
  };
}

/** Where a text mentions the person: the guard's findings (empty when it does not). */
export const mentions = (text: string, p: Person) =>
  findLeaks(text, { subjectNames: p.names, handles: p.handles, datesOfBirth: p.datesOfBirth, incidentReferences: [] });

/** A short excerpt around the first mention, for the search's list (at most 160 characters). */
export function excerptAround(text: string, at: number, length: number, width = 60): string {
  const start = Math.max(0, at - width);
  const end = Math.min(text.length, at + length + width);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`;
}

/** A recorded subject as a person: "Name (@handle)" read into its names and handles, with its date of birth. */
export function recordedPerson(recorded: string, dateOfBirth: string | null): Person {
  const ids = identitiesOf(recorded);
  return { names: ids.names, handles: ids.handles, datesOfBirth: dateOfBirth ? [dateOfBirth] : [] };
}

/** Is this recorded subject the person searched for? A shared name, handle or date of birth. */
export function isThePerson(subject: Person, p: Person): boolean {
  const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/^@/, '');
  const shared = (a: string[], b: string[]) => a.some((x) => b.some((y) => fold(x) === fold(y)));
  const text = [...subject.names, ...subject.handles.map((h) => `@${h}`)].join(' / ');
  return (
    shared(subject.names, p.names) ||
    shared(subject.handles, p.handles) ||
    shared(subject.datesOfBirth, p.datesOfBirth) ||
    mentions(text, p).length > 0
  );
}

/**
 * Third parties' names out of a text (s.45(4)(e) and the ICO's guidance: others' data is not
 * disclosed): every mention of another subject (name, handle, date of birth) and of an officer or
 * applicant becomes "[redacted: third party]". The person's own data stays: a third party's form that
 * is also one of the person's is not looked for.
 */
export function redact(text: string, thirdParties: Person, own: Person): string {
  const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/^@/, '');
  const mine = new Set([...own.names, ...own.handles, ...own.datesOfBirth].map(fold));
  const others: Person = {
    names: thirdParties.names.filter((n) => !mine.has(fold(n))),
    handles: thirdParties.handles.filter((h) => !mine.has(fold(h))),
    datesOfBirth: thirdParties.datesOfBirth.filter((d) => !mine.has(d)),
  };
  if (!others.names.length && !others.handles.length && !others.datesOfBirth.length) return text;
  let out = text;
  for (const leak of mentions(text, others).sort((a, b) => b.index - a.index))
    out = out.slice(0, leak.index) + REDACTED + out.slice(leak.index + leak.match.length);
  return out;
}

/** The last day of a month (1-12) of a year. */
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * s.54: "one month" from the day the request was received, to the corresponding date of the next
 * month (the ICO's reading), or that month's last day where it has no such date (31 January → 28 or 29
 * February). `months` counts from the receipt: 1 for the due date, 2 or 3 with an extension.
 */
export function monthsAfter(received: string, months: number): string {
  const [y, m, d] = received.split('-').map(Number) as [number, number, number];
  const total = m - 1 + months;
  const year = y + Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(d, daysIn(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The date the answer is due: the extension's when there is one. Overdue once today is past it and it is not completed. */
export const dueDateOf = (r: { dueOn: string; extendedTo: string | null }) => r.extendedTo ?? r.dueOn;
export const isOverdue = (r: { dueOn: string; extendedTo: string | null; completedAt: Date | null }, today: string) =>
  r.completedAt === null && dueDateOf(r) < today;

/**
 * The statutory information of s.45(2), as the bundle gives it (STACK.md "UK data facts"). Fixed
 * text: the unit's purposes, legal basis, categories, recipients, retention, the rights and the
 * right to complain to the Information Commissioner, with the contact details.
 */
export const STATUTORY = {
  purposes:
    'The prevention, investigation, detection or prosecution of criminal offences and safeguarding against threats to public security (Data Protection Act 2018 section 31): the online harm referral team looks at online content referred by officers, asks the hosting platform to remove content that is harmful and breaks its terms, and records the intelligence this gives.',
  legalBasis:
    'Data Protection Act 2018 Part 3 (law enforcement processing), section 35(2)(b): the processing is necessary for the performance of a task carried out for a law enforcement purpose by a competent authority (a police force). Sensitive processing, where any, under section 35(5) and Schedule 8.',
  categories: [
    'Names and online handles given for the people a referral concerns, with their role (suspect, victim, witness, other), age band and, where known, date of birth',
    'What the requesting officer and the unit wrote about the content: rationales, research summaries, reviews and the requests sent to platforms',
    'Copies of the online content captured as evidence, with their original file names',
    'The intelligence record made from a referral',
    'Where an online persona of the unit viewed a profile or person, the record of that use',
  ],
  recipients:
    'Officers and staff of the force who need it for the purposes above; the online platforms that host the content (a removal request names no person unless the content itself does); other law enforcement bodies where the law allows.',
  retention:
    'A closed referral and everything it holds is deleted 12 months after it closes, and a Domain library entry 12 months after the content was removed (the unit’s procedure, sections 2.2 and 10.8), unless kept for an investigation under the Criminal Procedure and Investigations Act 1996, when it is reviewed at set dates.',
  rights: [
    'The right to have inaccurate personal data rectified (Data Protection Act 2018 section 46)',
    'The right to have personal data erased, or its processing restricted (section 47)',
    'The right to ask the Information Commissioner to check that any restriction of these rights was lawful (section 51)',
  ],
  complaint: {
    text: 'You have the right to lodge a complaint with the Information Commissioner (section 45(2)(f)).',
    name: 'Information Commissioner’s Office',
    address: 'Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF',
    telephone: '0303 123 1113',
    website: 'https://ico.org.uk',
  },
} as const;

/** Where each kind of item comes from (s.45(2)(g): any available information as to its origin). */
export const SOURCES: Record<string, string> = {
  subject: 'Given by the officer who made the referral (the unit’s procedure, section 8.4)',
  referral_rationale: 'Written by the officer who made the referral',
  additional_rationale: 'Written by an officer who asked for the same content to be looked at',
  review: 'Written by the unit’s reviewer from open sources and police systems (section 9)',
  platform_draft: 'Written by the unit to the platform hosting the content (section 10)',
  intelligence_record: 'Written by the unit from the review (section 10.4)',
  capture: 'A copy of the online content, captured by the unit (section 9.1)',
  persona_use: 'Recorded by the unit when one of its online personas was used',
};

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A date of birth as the auditor types it, day first (the UK's way): "2005-03-03", "3/3/2005",
 * "03.03.2005", "3-3-2005", "3 March 2005", "3rd Mar 2005", "March 3, 2005". YYYY-MM-DD, or
 * undefined when it is none of these or no real date.
 */
export function parseDateOfBirth(input: string): string | undefined {
  const s = input.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  const iso = (y: number, m: number, d: number) => {
    if (!(m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) && y >= 1900 && y <= 2100)) return undefined;
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const month = (name: string) => MONTH_NAMES.indexOf(name.slice(0, 3)) + 1;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return iso(+m[3]!, +m[2]!, +m[1]!);
  m = /^(\d{1,2})(?:st|nd|rd|th)?(?: of)? ([a-z]+)\.? (\d{4})$/.exec(s);
  if (m && month(m[2]!) > 0) return iso(+m[3]!, month(m[2]!), +m[1]!);
  m = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$/.exec(s);
  if (m && month(m[1]!) > 0) return iso(+m[3]!, month(m[1]!), +m[2]!);
  return undefined;
}
