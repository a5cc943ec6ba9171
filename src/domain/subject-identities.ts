/**
 * A subject is recorded by "name or online handle" (DESIGN.md "Subject", SOP 8.4.1), and people put
 * both in the one field: "Jayden Doe (@jd_drill)", "Jayden Doe aka jd_drill", "Jayden Doe / @jd_drill",
 * "DOE, Jayden", "Jayden 'JD' Doe". The data-sharing guard (SOP 6.4) must look for each of them as
 * what it is, so this reads the field into the names and handles it holds. Pure.
 *
 * - Brackets, quotes and "aka" / "a.k.a." / "also known as" / "alias", "/", "|", ";" and a spaced
 *   dash separate one identity from the next.
 * - A word starting with @ is a handle. So is one word with a digit, "_", "." or a capital inside
 *   ("drillking99", "jd_drill", "DrillKing"). Other single words ("Kane") and anything with spaces are names.
 * - "Surname, Forenames" (two names around one comma, neither a handle) is the name "Forenames Surname".
 */

export type SubjectIdentities = { names: string[]; handles: string[] };

const ALIAS_WORDS = '(?:aka|a\\.k\\.a\\.?|also known as|known as|alias)';
const SEPARATORS = new RegExp(`\\s+${ALIAS_WORDS}\\s+|\\s*[/|;]\\s*|\\s+[-–—]\\s+`, 'iu');
const LEADING_ALIAS = new RegExp(`^${ALIAS_WORDS}\\s+`, 'iu');
const BRACKETED = /[([{]([^)\]}]*)[)\]}]/gu;
/** Quotes around a nickname, not an apostrophe inside a name ("O'Brien"). */
const QUOTED = /(^|\s)["“”'‘’]([^"“”'‘’]+)["“”'‘’](?=$|[\s,;/|])/gu;
const HANDLE_AFTER_AT = /(?:^|\s)@(\S+)/gu;
const PUNCTUATION_AROUND = /^[\s"“”'‘’.,:;]+|[\s"“”'‘’.,:;]+$/gu;

const looksLikeHandle = (word: string) => /^@/.test(word) || (!/\s/.test(word) && /[\p{N}_.]|\p{Ll}\p{Lu}/u.test(word));

export function identitiesOf(recorded: string): SubjectIdentities {
  const pieces: string[] = [];
  const main = recorded
    .replace(BRACKETED, (_, inner: string) => (pieces.push(inner), ' '))
    .replace(QUOTED, (_, before: string, inner: string) => (pieces.push(inner), before));
  const names: string[] = [];
  const handles: string[] = [];
  for (const piece of [main, ...pieces].flatMap((p) => p.split(SEPARATORS))) {
    const rest = piece
      .trim()
      .replace(LEADING_ALIAS, '')
      .replace(HANDLE_AFTER_AT, (_, h: string) => (handles.push(h.replace(PUNCTUATION_AROUND, '')), ' '));
    const commas = rest.split(',').map((p) => p.replace(PUNCTUATION_AROUND, '').replace(/\s+/g, ' '));
    const parts = commas.filter((p) => /[\p{L}\p{N}]/u.test(p));
    // "DOE, Jayden": a surname, then the forenames.
    if (commas.length === 2 && parts.length === 2 && !parts.some(looksLikeHandle)) {
      names.push(`${parts[1]} ${parts[0]}`);
      continue;
    }
    for (const p of parts) (looksLikeHandle(p) ? handles : names).push(p.replace(/^@/, ''));
  }
  return { names: [...new Set(names)], handles: [...new Set(handles.filter((h) => h !== ''))] };
}
