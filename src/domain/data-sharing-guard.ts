/**
 * The data-sharing guard (SOP 6.4): data shared with a platform carries only what the content itself
 * shows and what is public. Before a draft goes to QA, it is checked against the referral's own
 * personal data (subject names and handles, dates of birth, incident references) and every match is
 * shown in the words the draft uses. Pure: no I/O. The rules, and why: docs/decisions/009-data-sharing-guard.md.
 *
 * The draft is read as a person sees it (`data-sharing-guard.reading.ts`): without case, accents,
 * hidden characters or look-alike letters, in words (runs of letters, runs of digits), so spacing,
 * line breaks and punctuation between parts do not hide a leak either.
 * - Names (`data-sharing-guard.names.ts`): the whole name always; surname first, initials, a title
 *   and the surname when written as a name is; one part alone only when it is at least 3 letters and
 *   not an ordinary English word (a subject called Will does not block "will").
 * - Handles: always, with or without @, separators changed, digits for the letters they look like
 *   ("jd_dr1ll"); a handle that is an ordinary word ("@will") only with its @.
 * - Dates of birth (`data-sharing-guard.dates.ts`): every usual written form.
 * - Incident references: with or without their system, separators changed; a bare number of fewer
 *   than 5 digits and letters is not looked for, and digits grouped by a comma or full stop
 *   ("1,234 views") are a number, not a reference.
 */
import { findDates } from './data-sharing-guard.dates.js';
import { findForm, joinable, type Form, type LeakKind } from './data-sharing-guard.match.js';
import { isOrdinaryWord, nameForms } from './data-sharing-guard.names.js';
import { read, tokenise, wordsOf, type Reading, type Token } from './data-sharing-guard.reading.js';

export type PersonalData = {
  subjectNames: readonly string[];
  handles?: readonly string[];
  /** YYYY-MM-DD */
  datesOfBirth: readonly string[];
  /** As recorded, with the system first when known ("CAD 1234/22Nov"). */
  incidentReferences: readonly string[];
  /**
   * What the content itself shows, which a platform may be told (SOP 6.4): its title and address,
   * as the requester gave them. Where the draft repeats one exactly, nothing inside it is a leak, so
   * "instagram.com/jd_drill/reel/1" does not stop a draft about @jd_drill's own post.
   */
  shownByContent?: readonly string[];
};

/** `match` is the offending text exactly as the draft writes it; `index` is where it starts. */
export type Leak = { kind: LeakKind; match: string; index: number };

/** A handle or reference shorter than this is not looked for: too many ordinary words and numbers are that short. */
const MIN_LENGTH = 3;
/** A reference without its system is looked for only from this length: "1234" alone is any number. */
const MIN_BARE_REFERENCE = 5;

/** The systems of SOP 8.3.3, so that "CAD 1234/22Nov" is found with or without its system name. */
const SYSTEM_PREFIX = /^(connect|cad|cris|crimint|merlin|apmis)/;

/** The @ the draft wrote before a handle belongs to the match, and a handle that is an ordinary word needs it. */
const withAt = (required: boolean) => (f: { first: number; last: number }, tokens: readonly Token[], r: Reading) => {
  const before = r.text[tokens[f.first]!.at - 1];
  return before === '@' ? f : required ? undefined : f;
};

function handleForms(handle: string): Form[] {
  const parts = wordsOf(handle);
  const whole = parts.join('');
  if (whole.length < MIN_LENGTH) return [];
  const ordinary = parts.length === 1 && isOrdinaryWord(whole);
  return [{ kind: 'handle', parts: [whole], strength: 3, split: 'any', leet: true, accept: withAt(ordinary) }];
}

/** Within a reference, digits grouped by a comma or a full stop are a number ("1,234"), not a reference's parts. */
const referenceJoins = (between: string, before: Token, after: Token) =>
  joinable(between) && !(/^\d/.test(before.text) && /^\d/.test(after.text) && /[.,]/.test(between));

function referenceForms(ref: string): Form[] {
  const whole = wordsOf(ref).join('');
  const bare = whole.replace(SYSTEM_PREFIX, '');
  const form = (w: string): Form => ({ kind: 'incident_reference', parts: [w], strength: 3, split: 'any', joins: referenceJoins });
  return [
    ...(whole.length >= MIN_LENGTH && (bare !== whole || whole.length >= MIN_BARE_REFERENCE) ? [form(whole)] : []),
    ...(bare !== whole && bare.length >= MIN_BARE_REFERENCE ? [form(bare)] : []),
  ];
}

type Span = { kind: LeakKind; at: number; end: number; strength: number };

/**
 * SOP 6.4: every piece of the referral's personal data that the draft repeats, in the order the
 * draft has them. Empty when the draft is clean. Nothing inside an exact copy of what the content
 * itself shows counts. Where matches overlap, one phrase is reported once: the strongest form (a
 * whole name over a part of it), then the longest.
 */
export function findLeaks(draft: string, personal: PersonalData): Leak[] {
  const r = read(draft);
  const tokens = tokenise(r);
  const forms = [
    ...personal.subjectNames.flatMap(nameForms),
    ...(personal.handles ?? []).flatMap(handleForms),
    ...personal.incidentReferences.flatMap(referenceForms),
  ];
  const spans: Span[] = forms.flatMap((form) =>
    findForm(r, tokens, form).map((f) => ({
      kind: form.kind,
      // The @ before a handle is part of what the draft shows.
      at: form.kind === 'handle' && r.text[tokens[f.first]!.at - 1] === '@' ? tokens[f.first]!.at - 1 : tokens[f.first]!.at,
      // "Doe, J.": an initial's full stop is part of it.
      end:
        tokens[f.last]!.end +
        (form.kind === 'subject_name' && tokens[f.last]!.text.length === 1 && r.text[tokens[f.last]!.end] === '.' ? 1 : 0),
      strength: form.strength,
    })),
  );
  spans.push(...findDates(r, personal.datesOfBirth).map((d) => ({ kind: 'date_of_birth' as const, ...d, strength: 3 })));

  const shown = (personal.shownByContent ?? []).filter((t) => t.trim() !== '').flatMap((t) => occurrences(draft, t));
  const kept: Span[] = [];
  const inShown = (s: Span) => shown.some((o) => o.start <= r.from[s.at]! && r.to[s.end - 1]! <= o.stop);
  const strongestFirst = (a: Span, b: Span) => b.strength - a.strength || b.end - b.at - (a.end - a.at) || a.at - b.at;
  for (const s of spans.filter((x) => !inShown(x)).sort(strongestFirst)) if (!kept.some((k) => k.at < s.end && s.at < k.end)) kept.push(s);
  return kept
    .sort((a, b) => a.at - b.at)
    .map((s) => ({ kind: s.kind, match: draft.slice(r.from[s.at], r.to[s.end - 1]), index: r.from[s.at]! }));
}

function occurrences(draft: string, text: string): { start: number; stop: number }[] {
  const found: { start: number; stop: number }[] = [];
  for (let i = draft.indexOf(text); i >= 0; i = draft.indexOf(text, i + text.length)) found.push({ start: i, stop: i + text.length });
  return found;
}
