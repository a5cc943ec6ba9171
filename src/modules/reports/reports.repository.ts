import { and, gte, lte, sql, type AnyColumn } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { liveNoticeFacts, liveSubjectFacts, retainedNoticeFacts, retainedSubjectFacts } from '../../db/schema/index.js';
import type { NoticeFact } from '../../domain/transparency.js';
import type { SubjectFactCount } from '../../domain/report-figures.js';

/** A period's quarters, as their first days (decision 021: reports count whole quarters). */
export type Quarters = { firstQuarter: string; lastQuarter: string };

/**
 * Queries only (issue 15 points 4, 5, 7): every report reads the live facts view and the retained
 * facts table together (`UNION ALL`, decision 021), so a retention sweep never changes a figure.
 * Neither holds a name, a date of birth, a reference or a free text.
 */
/** The facts of the quarters asked for (whole quarters: decision 021). */
const inQuarters = (quarter: AnyColumn, q: Quarters) => and(gte(quarter, q.firstQuarter), lte(quarter, q.lastQuarter));

export function createReportsRepository() {
  return {
    async subjectCounts(db: DbOrTx, q: Quarters): Promise<SubjectFactCount[]> {
      const columns = (t: typeof liveSubjectFacts | typeof retainedSubjectFacts) => ({
        quarter: t.quarter,
        ageBand: t.ageBand,
        ethnicity: t.ethnicity,
        outcome: t.outcome,
        referred: t.referred,
      });
      const live = db.select(columns(liveSubjectFacts)).from(liveSubjectFacts).where(inQuarters(liveSubjectFacts.quarter, q));
      const kept = db.select(columns(retainedSubjectFacts)).from(retainedSubjectFacts).where(inQuarters(retainedSubjectFacts.quarter, q));
      const f = unionAll(live, kept).as('f');
      const rows = await db
        .select({
          quarter: sql<string>`to_char(${f.quarter}, 'YYYY-MM-DD')`,
          ageBand: f.ageBand,
          ethnicity: f.ethnicity,
          outcome: f.outcome,
          referred: f.referred,
          n: sql<number>`count(*)::int`,
        })
        .from(f)
        .groupBy(f.quarter, f.ageBand, f.ethnicity, f.outcome, f.referred);
      return rows;
    },

    async noticeFacts(db: DbOrTx, q: Quarters): Promise<NoticeFact[]> {
      const columns = (t: typeof liveNoticeFacts | typeof retainedNoticeFacts) => ({
        platform: t.platform,
        factors: t.factors,
        decision: t.decision,
        finalDecision: t.finalDecision,
        daysToDecision: t.daysToDecision,
        appealed: t.appealed,
        involvesChild: t.involvesChild,
      });
      const live = db.select(columns(liveNoticeFacts)).from(liveNoticeFacts).where(inQuarters(liveNoticeFacts.quarter, q));
      const kept = db.select(columns(retainedNoticeFacts)).from(retainedNoticeFacts).where(inQuarters(retainedNoticeFacts.quarter, q));
      return unionAll(live, kept);
    },
  };
}
