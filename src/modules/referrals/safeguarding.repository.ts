import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { referralEvents, referralSafeguarding, users } from '../../db/schema/index.js';
import { safeguardingComment } from '../../domain/safeguarding.js';
import type { SafeguardingAction, SafeguardingStage } from '../../domain/vocabulary.js';

export type SafeguardingAnswer = { stage: SafeguardingStage; action: SafeguardingAction; detail: string };
type SafeguardingRow = typeof referralSafeguarding.$inferSelect;
export type SafeguardingWithRecorder = {
  answer: SafeguardingRow;
  recorder: { id: string; username: string; name: string };
};

/** Queries only (DESIGN.md "Safeguarding"); every function takes the connection or transaction it runs in. */
export function createSafeguardingRepository() {
  return {
    /**
     * One answer and its timeline event (`safeguarding_recorded`), written together in the
     * caller's transaction. Answers `{ answer, event }` as written, for an answer made of rows.
     */
    async record(tx: DbOrTx, referralId: string, a: SafeguardingAnswer, by: string, at: Date) {
      const [answer] = await tx
        .insert(referralSafeguarding)
        .values({ referralId, stage: a.stage, action: a.action, detail: a.detail, recordedBy: by, recordedAt: at })
        .returning();
      const [event] = await tx
        .insert(referralEvents)
        .values({ referralId, at, actorId: by, action: 'safeguarding_recorded', comment: safeguardingComment(a) })
        .returning();
      return { answer: answer!, event: event! };
    },

    /** Every answer on a referral, oldest first (at one instant, intake before review), with who gave it. */
    list: (db: DbOrTx, referralId: string): Promise<SafeguardingWithRecorder[]> =>
      db
        .select({ answer: referralSafeguarding, recorder: { id: users.id, username: users.username, name: users.displayName } })
        .from(referralSafeguarding)
        .innerJoin(users, eq(users.id, referralSafeguarding.recordedBy))
        .where(eq(referralSafeguarding.referralId, referralId))
        .orderBy(asc(referralSafeguarding.recordedAt), asc(referralSafeguarding.stage), asc(referralSafeguarding.id)),
  };
}
