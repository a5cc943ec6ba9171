import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { intelligenceRecords, platformReferrals, referralEvents, reviews } from '../../db/schema/index.js';
import type { Channel, FirstDecision } from '../../domain/vocabulary.js';

/** Queries only; every write takes the life-cycle transaction (SOP 10.5-10.7). */
export function createPlatformReferralsRepository() {
  const one = (referralId: string, platform: string) =>
    and(eq(platformReferrals.referralId, referralId), eq(platformReferrals.platform, platform));

  return {
    async find(tx: DbOrTx, referralId: string, platform: string) {
      const [row] = await tx.select().from(platformReferrals).where(one(referralId, platform));
      return row;
    },

    /** When QA last approved the drafts (SOP 10.2): the `qa_approved` event's time, if any. */
    async approvedAt(tx: DbOrTx, referralId: string): Promise<Date | undefined> {
      const [row] = await tx
        .select({ at: referralEvents.at })
        .from(referralEvents)
        .where(and(eq(referralEvents.referralId, referralId), eq(referralEvents.action, 'qa_approved')))
        .orderBy(desc(referralEvents.at))
        .limit(1);
      return row?.at;
    },

    recordSubmission: (
      tx: DbOrTx,
      referralId: string,
      platform: string,
      s: { channel: Channel; submittedAt: Date; externalReference: string | null },
    ) => tx.update(platformReferrals).set(s).where(one(referralId, platform)),

    recordDecision: (tx: DbOrTx, referralId: string, platform: string, decision: FirstDecision, decidedOn: string) =>
      tx.update(platformReferrals).set({ decision, decidedOn }).where(one(referralId, platform)),

    recordFinalDecision: (tx: DbOrTx, referralId: string, platform: string, finalDecision: 'removed' | 'upheld', finalDecidedOn: string) =>
      tx.update(platformReferrals).set({ finalDecision, finalDecidedOn }).where(one(referralId, platform)),

    recordAppeal: (tx: DbOrTx, referralId: string, platform: string, a: { appealReason: string; appealedAt: Date | null }) =>
      tx.update(platformReferrals).set(a).where(one(referralId, platform)),

    /** SOP 10.8: whether the referral's latest review found the content musical. */
    async latestReviewMusical(tx: DbOrTx, referralId: string) {
      const [row] = await tx
        .select({ musical: reviews.musical })
        .from(reviews)
        .where(eq(reviews.referralId, referralId))
        .orderBy(desc(reviews.createdAt), desc(reviews.id))
        .limit(1);
      return row?.musical === true;
    },

    /** SOP 10.6: the decision is added to the intelligence record, if there is one. True when there was. */
    async appendIntelligenceDecision(tx: DbOrTx, referralId: string, entry: { platform: string; decision: string; on: string }) {
      const rows = await tx
        .update(intelligenceRecords)
        .set({ decisions: sql`${intelligenceRecords.decisions} || ${JSON.stringify([entry])}::jsonb` })
        .where(eq(intelligenceRecords.referralId, referralId))
        .returning({ referralId: intelligenceRecords.referralId });
      return rows.length > 0;
    },
  };
}
