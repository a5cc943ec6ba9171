import { and, asc, eq, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { captures, evidencePackages, referralEvents, referrals, users } from '../../db/schema/index.js';
import { londonStartOfDay } from '../../domain/dates.js';
import { addCalendarMonths } from '../../domain/library-retention.js';
import type { RetainedReferral } from '../../domain/retention.js';

const retained = {
  id: referrals.id,
  reference: referrals.reference,
  closedAt: sql<Date>`${referrals.closedAt}`.mapWith(referrals.closedAt),
  held: isNotNull(referrals.holdPlacedAt).mapWith(Boolean),
};

/** A referral's hold columns (migration 0011), all null when it is not held. */
export type HoldColumns = Partial<{
  holdInvestigationReference: string | null;
  holdReason: string | null;
  holdPlacedBy: string | null;
  holdPlacedAt: Date | null;
  holdReviewOn: string | null;
}>;

const holder = { id: users.id, username: users.username, name: users.displayName };

/**
 * Closed and not held, closed before the London day after `lastDay` begins. With `lastDay` a day
 * past 12 months before a date, a superset of the referrals whose 12 months (SOP 2.2) end before
 * it: the pure rule (`isReferralDue`, `referralExpiresOn`) decides, and as the expiry grows with the
 * closure, what it keeps of this list, oldest closure first, is a prefix.
 */
const closedBy = (lastDay: string) =>
  and(
    eq(referrals.status, 'closed'),
    isNull(referrals.holdPlacedAt),
    isNotNull(referrals.closedAt),
    lt(referrals.closedAt, londonStartOfDay(addCalendarMonths(lastDay, -12), 2)),
  );

/**
 * Queries of the referrals' retention (SOP 2.2, DPA 2018 s.39; issue 15 point 1; decision 022);
 * every function takes the connection or transaction it runs in.
 */
export function createReferralRetentionRepository() {
  return {
    /**
     * Closed referrals not held that may expire on or before `lastDay`, oldest closure first, at
     * most `limit`: the sweep's candidates (`lastDay` today) and the upcoming list's. The caller
     * keeps those the pure rule says.
     */
    expiringBy: (db: DbOrTx, lastDay: string, limit: number, only?: SQL): Promise<RetainedReferral[]> =>
      db
        .select(retained)
        .from(referrals)
        .where(and(closedBy(lastDay), only))
        .orderBy(asc(referrals.closedAt), asc(referrals.id))
        .limit(limit),

    /** The referral locked for its deletion; undefined when another sweep holds it (SKIP LOCKED) or it is gone or not closed. */
    async lock(tx: DbOrTx, id: string): Promise<RetainedReferral | undefined> {
      const [row] = await tx
        .select(retained)
        .from(referrals)
        .where(and(eq(referrals.id, id), eq(referrals.status, 'closed'), isNotNull(referrals.closedAt)))
        .for('update', { skipLocked: true });
      return row;
    },

    /** The objects the referral holds: its captures' bytes and its evidence packages' zips. */
    async hashes(tx: DbOrTx, id: string) {
      const held = await tx.select({ sha256: captures.sha256 }).from(captures).where(eq(captures.referralId, id));
      const zips = await tx.select({ sha256: evidencePackages.sha256 }).from(evidencePackages).where(eq(evidencePackages.referralId, id));
      return [...held, ...zips].flatMap((r) => (r.sha256 ? [r.sha256] : []));
    },

    /**
     * Decision 021: the referral's facts kept without it, copied from the views in the deleting
     * transaction, so a published quarter's figures do not change when it goes.
     */
    async keepFacts(tx: DbOrTx, id: string) {
      await tx.execute(sql`INSERT INTO retained_subject_facts
          (quarter, category, age_band, ethnicity, ethnicity_recorded_as, sex, status, outcome, referred)
        SELECT quarter, category, age_band, ethnicity, ethnicity_recorded_as, sex, status, outcome, referred
        FROM live_subject_facts WHERE referral_id = ${id}`);
      await tx.execute(sql`INSERT INTO retained_notice_facts
          (quarter, platform, channel, factors, decision, final_decision, days_to_decision, appealed, involves_child)
        SELECT quarter, platform, channel, factors, decision, final_decision, days_to_decision, appealed, involves_child
        FROM live_notice_facts WHERE referral_id = ${id}`);
    },

    /**
     * Deletes the referral: its subjects, reviews, platform referrals and drafts, intelligence record,
     * events, safeguarding answers, captures, packages and restrictions go with it (ON DELETE CASCADE);
     * a library entry and persona uses outlive it, their `referral_id` set null.
     */
    delete: (tx: DbOrTx, id: string) => tx.delete(referrals).where(eq(referrals.id, id)),

    /** The referral locked for a change of its hold: two requests at once take turns. */
    lockForHold: async (tx: DbOrTx, id: string) => (await tx.select().from(referrals).where(eq(referrals.id, id)).for('update'))[0],

    setHold: (tx: DbOrTx, id: string, hold: HoldColumns) => tx.update(referrals).set(hold).where(eq(referrals.id, id)),

    addEvent: (tx: DbOrTx, e: typeof referralEvents.$inferInsert) => tx.insert(referralEvents).values(e),

    /** The referral with whoever placed its hold. */
    withHolder: async (db: DbOrTx, id: string) =>
      (
        await db
          .select({ r: referrals, by: holder })
          .from(referrals)
          .leftJoin(users, eq(users.id, referrals.holdPlacedBy))
          .where(eq(referrals.id, id))
      )[0],

    /** Held referrals with their holds and who placed them, the earliest review first; `only` narrows them (DPA 2018 s.47). */
    held: (db: DbOrTx, limit: number, only?: SQL) =>
      db
        .select({
          referral: retained,
          investigationReference: referrals.holdInvestigationReference,
          reason: referrals.holdReason,
          placedAt: referrals.holdPlacedAt,
          reviewOn: referrals.holdReviewOn,
          placedBy: holder,
        })
        .from(referrals)
        .leftJoin(users, eq(users.id, referrals.holdPlacedBy))
        .where(and(isNotNull(referrals.holdPlacedAt), eq(referrals.status, 'closed'), isNotNull(referrals.closedAt), only))
        .orderBy(asc(referrals.holdReviewOn), asc(referrals.id))
        .limit(limit),
  };
}
export type ReferralRetentionRepository = ReturnType<typeof createReferralRetentionRepository>;
