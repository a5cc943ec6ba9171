import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { incidentReferences, intelligenceRecords, platformReferrals, referrals, reviews, subjects } from '../../db/schema/index.js';

export type ReviewRow = typeof reviews.$inferSelect;
export type IntelligenceRow = typeof intelligenceRecords.$inferSelect;
export type ReferralFacts = NonNullable<Awaited<ReturnType<ReturnType<typeof createReviewRepository>['facts']>>>;

/** Queries only; every function takes the connection or transaction it runs in. */
export function createReviewRepository() {
  return {
    /**
     * What a review is checked against: the referral's content, platforms, the personal data a
     * platform draft must not repeat (SOP 6.4), and the subjects' age bands (safeguarding, SOP 9.2.7). The system reading it for the guard is no consultation.
     */
    async facts(db: DbOrTx, id: string) {
      const [r] = await db
        .select({
          id: referrals.id,
          reference: referrals.reference,
          status: referrals.status,
          contentTitle: referrals.contentTitle,
          contentUrl: referrals.contentUrl,
          submittedAt: referrals.submittedAt,
          platforms: referrals.platforms,
        })
        .from(referrals)
        .where(eq(referrals.id, id));
      if (!r) return undefined;
      const people = await db
        .select({ name: subjects.name, ageBand: subjects.ageBand, dateOfBirth: subjects.dateOfBirth })
        .from(subjects)
        .where(eq(subjects.referralId, id));
      const incidents = await db
        .select({ system: incidentReferences.system, reference: incidentReferences.reference })
        .from(incidentReferences)
        .where(eq(incidentReferences.referralId, id));
      return { ...r, subjects: people, incidentReferences: incidents };
    },

    async latestReview(db: DbOrTx, referralId: string): Promise<ReviewRow | undefined> {
      const [row] = await db
        .select()
        .from(reviews)
        .where(eq(reviews.referralId, referralId))
        .orderBy(desc(reviews.createdAt), desc(reviews.id))
        .limit(1);
      return row;
    },

    insertReview: (tx: DbOrTx, row: typeof reviews.$inferInsert) => tx.insert(reviews).values(row),

    /** SOP 10.1: fresh drafts replace any returned by QA. */
    async replaceDrafts(tx: DbOrTx, referralId: string, rows: { platform: string; termsBreached: string[]; draft: string }[]) {
      await tx.delete(platformReferrals).where(eq(platformReferrals.referralId, referralId));
      if (rows.length)
        await tx.insert(platformReferrals).values(rows.map((r) => ({ ...r, referralId, status: 'drafted' as const, notAppealed: false })));
    },

    drafts: (db: DbOrTx, referralId: string) =>
      db
        .select({ platform: platformReferrals.platform, termsBreached: platformReferrals.termsBreached })
        .from(platformReferrals)
        .where(eq(platformReferrals.referralId, referralId))
        .orderBy(platformReferrals.platform),

    insertIntelligence: (tx: DbOrTx, row: typeof intelligenceRecords.$inferInsert) => tx.insert(intelligenceRecords).values(row),

    async intelligence(db: DbOrTx, referralId: string): Promise<(IntelligenceRow & { reference: string }) | undefined> {
      const [row] = await db
        .select({ record: intelligenceRecords, reference: referrals.reference })
        .from(intelligenceRecords)
        .innerJoin(referrals, eq(referrals.id, intelligenceRecords.referralId))
        .where(eq(intelligenceRecords.referralId, referralId));
      return row ? { ...row.record, reference: row.reference } : undefined;
    },

    /** Locks the record while its reference changes; answers the earlier reference. */
    async lockIntelligence(tx: DbOrTx, referralId: string) {
      const [row] = await tx
        .select({ forceReference: intelligenceRecords.forceReference })
        .from(intelligenceRecords)
        .where(and(eq(intelligenceRecords.referralId, referralId)))
        .for('update');
      return row;
    },

    setForceReference: (tx: DbOrTx, referralId: string, forceReference: string) =>
      tx.update(intelligenceRecords).set({ forceReference }).where(eq(intelligenceRecords.referralId, referralId)),
  };
}
