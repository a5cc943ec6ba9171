import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { libraryEntries, referralRestrictions, referrals, users } from '../../db/schema/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const restrictedBy = alias(users, 'restricted_by_user');
const releasedBy = alias(users, 'released_by_user');

/** Queries only (DPA 2018 s.47); every function takes the connection or transaction it runs in. */
export function createRestrictionRepository() {
  return {
    /** What the auditor's page names the referral by; undefined for no such referral. */
    async head(db: DbOrTx, id: string) {
      if (!UUID.test(id)) return undefined;
      const [r] = await db
        .select({
          id: referrals.id,
          reference: referrals.reference,
          contentTitle: referrals.contentTitle,
          restrictedAt: referrals.restrictedAt,
        })
        .from(referrals)
        .where(eq(referrals.id, id));
      return r;
    },

    async idByReference(db: DbOrTx, reference: string) {
      const [r] = await db.select({ id: referrals.id }).from(referrals).where(eq(referrals.reference, reference));
      return r?.id;
    },

    /** The referral's restriction state, its row locked until the transaction ends: parallel restrictions take turns. */
    async lock(tx: DbOrTx, id: string) {
      const [r] = await tx
        .select({ id: referrals.id, reference: referrals.reference, restrictedAt: referrals.restrictedAt })
        .from(referrals)
        .where(eq(referrals.id, id))
        .for('update');
      return r;
    },

    async restrict(tx: DbOrTx, id: string, by: string, reason: string, at: Date) {
      await tx.update(referrals).set({ restrictedAt: at }).where(eq(referrals.id, id));
      const [row] = await tx
        .insert(referralRestrictions)
        .values({ referralId: id, restrictedAt: at, restrictedBy: by, reason })
        .returning();
      return row!;
    },

    /** Ends the open restriction; the row keeps who restricted, who released and both reasons. */
    async release(tx: DbOrTx, id: string, by: string, reason: string, at: Date) {
      await tx.update(referrals).set({ restrictedAt: null }).where(eq(referrals.id, id));
      const [row] = await tx
        .update(referralRestrictions)
        .set({ releasedAt: at, releasedBy: by, releaseReason: reason })
        .where(and(eq(referralRestrictions.referralId, id), isNull(referralRestrictions.releasedAt)))
        .returning();
      return row;
    },

    /** Every restriction and release of a referral, newest first, with who. */
    history: (db: DbOrTx, id: string) =>
      db
        .select({
          restriction: referralRestrictions,
          restrictedBy: { id: restrictedBy.id, name: restrictedBy.displayName },
          releasedBy: { id: releasedBy.id, name: releasedBy.displayName },
        })
        .from(referralRestrictions)
        .innerJoin(restrictedBy, eq(restrictedBy.id, referralRestrictions.restrictedBy))
        .leftJoin(releasedBy, eq(releasedBy.id, referralRestrictions.releasedBy))
        .where(eq(referralRestrictions.referralId, id))
        .orderBy(desc(referralRestrictions.restrictedAt)),

    /** The referrals restricted now, the latest restriction first, with its reason and who. */
    async restricted(db: DbOrTx, offset: number, limit: number) {
      const open = and(isNull(referralRestrictions.releasedAt), isNotNull(referrals.restrictedAt));
      const [rows, [total]] = await Promise.all([
        db
          .select({
            referralId: referrals.id,
            reference: referrals.reference,
            contentTitle: referrals.contentTitle,
            restrictedAt: referralRestrictions.restrictedAt,
            reason: referralRestrictions.reason,
            restrictedBy: { id: restrictedBy.id, name: restrictedBy.displayName },
          })
          .from(referralRestrictions)
          .innerJoin(referrals, eq(referrals.id, referralRestrictions.referralId))
          .innerJoin(restrictedBy, eq(restrictedBy.id, referralRestrictions.restrictedBy))
          .where(open)
          .orderBy(desc(referralRestrictions.restrictedAt), desc(referrals.reference))
          .limit(limit)
          .offset(offset),
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(referralRestrictions)
          .innerJoin(referrals, eq(referrals.id, referralRestrictions.referralId))
          .where(open),
      ]);
      return { rows, total: total?.n ?? 0 };
    },

    /** For the route guard: is the referral with this id restricted? One lookup by key. */
    async referralRestricted(db: DbOrTx, id: string) {
      // A malformed id is the route's own 404, answered before any query (openapi-contract.test.ts).
      if (!UUID.test(id)) return false;
      const [r] = await db.select({ restrictedAt: referrals.restrictedAt }).from(referrals).where(eq(referrals.id, id));
      return r?.restrictedAt != null;
    },

    /** For the route guard: is the referral a library entry was made from restricted? */
    async entryRestricted(db: DbOrTx, entryId: string) {
      if (!UUID.test(entryId)) return false;
      const [r] = await db
        .select({ restrictedAt: referrals.restrictedAt })
        .from(libraryEntries)
        .innerJoin(referrals, eq(referrals.id, libraryEntries.referralId))
        .where(eq(libraryEntries.id, entryId));
      return r?.restrictedAt != null;
    },
  };
}

/**
 * The restricted referrals per status (under one platform when given), to take from the counts the
 * triggers keep (decision 023): read through `referral_restrictions`' open rows, which are few, so
 * the queue's totals agree with its list without counting every referral.
 */
export async function restrictedByStatus(db: DbOrTx, platform?: string) {
  const rows = await db
    .select({ status: referrals.status, n: sql<number>`count(*)::int` })
    .from(referralRestrictions)
    .innerJoin(referrals, eq(referrals.id, referralRestrictions.referralId))
    .where(
      and(
        isNull(referralRestrictions.releasedAt),
        isNotNull(referrals.restrictedAt),
        platform === undefined ? undefined : sql`${platform} = any(${referrals.platforms})`,
      ),
    )
    .groupBy(referrals.status);
  return rows;
}
