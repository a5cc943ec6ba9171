import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { platformReferrals, referralEvents, referrals } from '../../db/schema/index.js';
import type { PlatformReferral, ReferralState } from '../../domain/lifecycle.js';

export function createLifecycleRepository() {
  return {
    /** The referral's life-cycle state, its row locked until the transaction ends. */
    async lockState(tx: DbOrTx, id: string): Promise<ReferralState | undefined> {
      const [r] = await tx
        .select({
          status: referrals.status,
          outcome: referrals.outcome,
          requesterId: referrals.requesterId,
          assigneeId: referrals.assigneeId,
          draftAuthorId: referrals.draftAuthorId,
        })
        .from(referrals)
        .where(eq(referrals.id, id))
        .for('update');
      if (!r) return undefined;
      const prs = await tx
        .select({ platform: platformReferrals.platform, status: platformReferrals.status, notAppealed: platformReferrals.notAppealed })
        .from(platformReferrals)
        .where(eq(platformReferrals.referralId, id))
        .orderBy(platformReferrals.platform);
      return { ...r, outcome: r.outcome ?? null, platformReferrals: prs };
    },

    async saveState(tx: DbOrTx, id: string, next: ReferralState, closedAt: Date | null) {
      await tx
        .update(referrals)
        .set({ status: next.status, outcome: next.outcome, assigneeId: next.assigneeId, draftAuthorId: next.draftAuthorId, closedAt })
        .where(eq(referrals.id, id));
      await syncPlatformStatuses(tx, id, next.platformReferrals);
    },

    addEvent: (tx: DbOrTx, e: typeof referralEvents.$inferInsert) => tx.insert(referralEvents).values(e),
  };
}

/** One statement for the statuses, one for platform referrals the new state no longer has. */
async function syncPlatformStatuses(tx: DbOrTx, id: string, prs: readonly PlatformReferral[]) {
  if (prs.length) {
    await tx.execute(sql`
      update platform_referrals p set status = v.status, not_appealed = v.not_appealed
      from unnest(${sql.param(prs.map((x) => x.platform))}::text[], ${sql.param(prs.map((x) => x.status))}::text[],
                  ${sql.param(prs.map((x) => x.notAppealed))}::boolean[]) as v(platform, status, not_appealed)
      where p.referral_id = ${id} and p.platform = v.platform`);
  }
  await tx.delete(platformReferrals).where(
    and(
      eq(platformReferrals.referralId, id),
      prs.length
        ? notInArray(
            platformReferrals.platform,
            prs.map((x) => x.platform),
          )
        : undefined,
    ),
  );
}
