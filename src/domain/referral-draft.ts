/**
 * Drafting a platform referral from the platform's template (SOP 10.1). Pure: no I/O. The
 * template (platform directory, SOP 10.5) holds `{{placeholders}}`; filling is done in two
 * steps on purpose: the review page pre-fills what is known before the operative has chosen
 * the clauses and written the rationale, and leaves those placeholders in the editable draft
 * (shown to people as plain-words markers, `withMarkers`); the service fills any left when the
 * review is previewed and sent, from the review itself, and refuses a draft with a gap left.
 */

/** The placeholders a referral template may use. */
export const DRAFT_PLACEHOLDERS = ['contentTitle', 'contentUrl', 'platformName', 'termsBreached', 'rationale'] as const;
export type DraftPlaceholder = (typeof DRAFT_PLACEHOLDERS)[number];

export type DraftValues = {
  contentTitle?: string;
  contentUrl?: string;
  platformName?: string;
  /** Clause titles (SOP 9.4), written one per line. */
  termsBreached?: readonly string[];
  rationale?: string;
};

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/**
 * Fills each known placeholder that has a value; a placeholder without one (or unknown to this
 * function) is left as written, so it can be filled later or seen and edited by a person.
 * An empty list of terms counts as no value.
 */
export function fillTemplate(template: string, values: DraftValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(DRAFT_PLACEHOLDERS as readonly string[]).includes(name)) return whole;
    const v = values[name as DraftPlaceholder];
    if (v === undefined) return whole;
    if (typeof v === 'string') return v;
    return v.length ? v.join('\n') : whole;
  });
}

/**
 * On the review form, before the operative has ticked the clauses and written the rationale,
 * the two placeholders only the review can fill read as plain words, not `{{braces}}` (issue 10:
 * a newcomer took them for a fault). The form turns them back before the review is filled.
 */
export const DRAFT_MARKERS = {
  termsBreached: '[the terms you tick above]',
  rationale: '[the rationale you write above]',
} as const satisfies Partial<Record<DraftPlaceholder, string>>;
type MarkedPlaceholder = keyof typeof DRAFT_MARKERS;
const isMarked = (name: string): name is MarkedPlaceholder => Object.hasOwn(DRAFT_MARKERS, name);

/** A draft as the review form shows it: its fillable-later placeholders as plain-words markers. */
export const withMarkers = (draft: string) =>
  draft.replace(PLACEHOLDER, (whole, name: string) => (isMarked(name) ? DRAFT_MARKERS[name] : whole));

/** A draft from the review form: each marker back to its placeholder, so that filling completes it. */
export function withoutMarkers(draft: string): string {
  let out = draft;
  for (const [name, marker] of Object.entries(DRAFT_MARKERS)) out = out.split(marker).join(`{{${name}}}`);
  return out;
}

/**
 * What a filled draft still leaves for someone to write: any `{{placeholder}}` (known or not, e.g.
 * one an admin added to a template) and any marker. A draft with a gap does not go to QA.
 */
export function gapsIn(draft: string): string[] {
  const braces = [...draft.matchAll(PLACEHOLDER)].map((m) => m[0]);
  const markers = Object.values(DRAFT_MARKERS).filter((m) => draft.includes(m));
  return [...new Set([...braces, ...markers])];
}

/** The placeholders still in a draft (known ones only), e.g. to warn before it goes to QA. */
export function unfilledPlaceholders(draft: string): DraftPlaceholder[] {
  const found = [...draft.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  return DRAFT_PLACEHOLDERS.filter((p) => found.includes(p));
}

/**
 * SOP 10.4.6, "details of the breach of the platform's terms of service": one line per platform
 * naming the clauses cited, e.g. "YouTube: Firearms; Violent criminal organisations".
 */
export function breachDetails(breaches: readonly { platformName: string; clauseTitles: readonly string[] }[]): string {
  return breaches.map((b) => `${b.platformName}: ${b.clauseTitles.join('; ')}`).join('\n');
}
