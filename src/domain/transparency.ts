/**
 * The transparency report (issue 15 point 7; the shape of the DSA Art 22(3) trusted-flagger reports):
 * a year of notices sent to platforms, counted by platform, by harmful-content type (SOP 4.1.6), by
 * the platform's action, with the median days to a decision, appeals and overturns and the share that
 * involve a child. Small counts are suppressed (`published`). Pure: the facts come in, figures go out.
 */
import { published } from './equality.js';
import type { ReviewFactor } from './vocabulary.js';

/** SOP 4.1.6's four examples of harmful online content within the unit's terms of reference. */
export const CONTENT_TYPES = ['illegal_commodities', 'provoking_violence', 'inflammatory_distressing', 'exploitation'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * Which SOP 4.1.6 type a review factor (SOP 9.2.1-9.2.7) shows: sales (9.2.6) are 4.1.6's illegal
 * commodities; exploitation (9.2.7) its exploitation; humiliation (9.2.4) its inflammatory or
 * distressing content (mocking a rival's death or injury); the rest (gang affiliation, prior incidents
 * between groups, provocative language, public safety) its content likely to provoke violence.
 */
const TYPE_OF_FACTOR: Record<ReviewFactor, ContentType> = {
  gang_affiliated_subjects: 'provoking_violence',
  prior_incidents_between_groups: 'provoking_violence',
  inflammatory_language: 'provoking_violence',
  public_safety_disorder: 'provoking_violence',
  humiliation: 'inflammatory_distressing',
  illegal_commodity_sales: 'illegal_commodities',
  exploitation_concern: 'exploitation',
};

/** The 4.1.6 types a notice's review factors show, each once, in 4.1.6's order. */
export function contentTypesOf(factors: readonly string[]): ContentType[] {
  const types = new Set(factors.map((f) => TYPE_OF_FACTOR[f as ReviewFactor]).filter(Boolean));
  return CONTENT_TYPES.filter((t) => types.has(t));
}

/** What the platform did in the end: its answer to an appeal if there was one, else its first answer. */
export const PLATFORM_ACTIONS = ['removed', 'not_removed', 'awaiting_decision'] as const;
export type PlatformAction = (typeof PLATFORM_ACTIONS)[number];
export function platformActionOf(decision: string | null, finalDecision: string | null): PlatformAction {
  const last = finalDecision ?? decision;
  if (last === 'removed') return 'removed';
  if (last === 'not_removed' || last === 'upheld') return 'not_removed';
  return 'awaiting_decision';
}

/** The median of whole days (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export type NoticeFact = {
  platform: string;
  factors: string[];
  decision: string | null;
  finalDecision: string | null;
  daysToDecision: number | null;
  appealed: boolean;
  involvesChild: boolean;
};

export type Counted<K extends string> = { key: K; notices: number | null };

const tally = <K extends string>(keys: readonly K[], of: (k: K) => number): Counted<K>[] =>
  keys.map((key) => ({ key, notices: published(of(key)) }));

export function transparencyFigures(notices: readonly NoticeFact[]) {
  const count = (pred: (n: NoticeFact) => boolean) => notices.filter(pred).length;
  const platforms = [...new Set(notices.map((n) => n.platform))].sort();
  const types = notices.map((n) => contentTypesOf(n.factors));
  const appealed = count((n) => n.appealed);
  const children = count((n) => n.involvesChild);
  const total = notices.length;
  const decided = notices.flatMap((n) => (n.daysToDecision === null ? [] : [n.daysToDecision]));
  return {
    notices: published(total),
    byPlatform: tally(platforms, (p) => count((n) => n.platform === p)),
    byContentType: [
      ...tally(CONTENT_TYPES, (t) => types.filter((ts) => ts.includes(t)).length),
      { key: 'not_recorded' as const, notices: published(types.filter((ts) => !ts.length).length) },
    ],
    byPlatformAction: tally(PLATFORM_ACTIONS, (a) => count((n) => platformActionOf(n.decision, n.finalDecision) === a)),
    // A median of fewer than 5 decisions could be one notice's: suppressed too.
    medianDaysToDecision: decided.length < 5 ? null : median(decided),
    decisions: published(decided.length),
    appeals: published(appealed),
    overturns: published(count((n) => n.appealed && n.finalDecision === 'removed')),
    children: {
      notices: published(children),
      // The share only when both counts are published; to one decimal place.
      percent: published(children) === null || published(total) === null ? null : Math.round((children / total) * 1000) / 10,
    },
  };
}
