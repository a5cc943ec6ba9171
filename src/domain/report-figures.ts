/**
 * The children's and equality reports' figures from counted facts (issue 15 points 4, 5): pure, so
 * that the same rows give the same figures before and after a retention sweep (decision 021).
 */
import { equalityFigures, published, zeroCounts, type GroupFigures, type Population } from './equality.js';
import { ethnicGroupOf } from './ethnicity.js';
import { quarterLabel } from './report-period.js';
import { isChildAgeBand } from './safeguarding.js';
import { AGE_BANDS, type AgeBand } from './vocabulary.js';

/** One group of identical facts and how many subjects share them. */
export type SubjectFactCount = {
  quarter: string;
  ageBand: string;
  ethnicity: string | null;
  outcome: string | null;
  referred: boolean;
  n: number;
};

/** Subjects recorded per quarter by age band (DESIGN.md principle 2): every quarter, even an empty one. */
export function childrenFigures(rows: readonly SubjectFactCount[], quarters: readonly string[]) {
  const perQuarter = quarters.map((start) => {
    const byAgeBand = Object.fromEntries(AGE_BANDS.map((b) => [b, 0])) as Record<AgeBand, number>;
    for (const r of rows) if (r.quarter === start && r.ageBand in byAgeBand) byAgeBand[r.ageBand as AgeBand] += r.n;
    const subjects = AGE_BANDS.reduce((s, b) => s + byAgeBand[b], 0);
    const children = AGE_BANDS.filter(isChildAgeBand).reduce((s, b) => s + byAgeBand[b], 0);
    return { quarter: quarterLabel(start), start, byAgeBand, children, subjects };
  });
  return {
    quarters: perQuarter,
    totals: {
      children: perQuarter.reduce((s, q) => s + q.children, 0),
      subjects: perQuarter.reduce((s, q) => s + q.subjects, 0),
    },
  };
}

/** What the equality report breaks its figures down by (issue 15 point 5). */
const EQUALITY_OUTCOMES = ['referred', 'removed', 'no_further_action'] as const;
type EqualityOutcome = (typeof EQUALITY_OUTCOMES)[number];
const IN_OUTCOME: Record<EqualityOutcome, (r: SubjectFactCount) => boolean> = {
  referred: (r) => r.referred,
  // Removed by at least one platform: wholly or partly.
  removed: (r) => r.outcome === 'removed' || r.outcome === 'partially_removed',
  no_further_action: (r) => r.outcome === 'no_further_action',
};

function groupsOf(rows: readonly SubjectFactCount[], population: Population): GroupFigures[] {
  const counts = zeroCounts();
  for (const r of rows) {
    const g = ethnicGroupOf(r.ethnicity);
    if (g) counts[g] += r.n;
  }
  return equalityFigures(counts, population);
}

export function equalityReport(rows: readonly SubjectFactCount[], population: Population) {
  const sum = (pred: (r: SubjectFactCount) => boolean) => rows.filter(pred).reduce((s, r) => s + r.n, 0);
  return {
    groups: groupsOf(rows, population),
    byOutcome: Object.fromEntries(EQUALITY_OUTCOMES.map((o) => [o, groupsOf(rows.filter(IN_OUTCOME[o]), population)])) as Record<
      EqualityOutcome,
      GroupFigures[]
    >,
    notStated: published(sum((r) => r.ethnicity === 'not_stated')),
    notRecorded: published(sum((r) => r.ethnicity === null)),
  };
}
