import { and, asc, eq, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { apiTokens, sessions, users } from '../../db/schema/index.js';

export type UserRow = typeof users.$inferSelect;

export function createUsersRepository() {
  return {
    byUsername: async (db: DbOrTx, username: string) => (await db.select().from(users).where(eq(users.username, username)))[0],
    byId: async (db: DbOrTx, id: string) => (await db.select().from(users).where(eq(users.id, id)))[0],
    insert: async (db: DbOrTx, row: typeof users.$inferInsert) => (await db.insert(users).values(row).returning())[0]!,
    update: (db: DbOrTx, id: string, set: Partial<typeof users.$inferInsert>) => db.update(users).set(set).where(eq(users.id, id)),
    count: async (db: DbOrTx) => (await db.select({ n: sql<number>`count(*)::int` }).from(users))[0]!.n,
    page: (db: DbOrTx, page: number, pageSize: number) =>
      db
        .select()
        .from(users)
        .orderBy(asc(users.username))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
    /**
     * One wrong password, counted in one statement so that parallel guesses are each counted. A
     * lock that has run out starts a new count; reaching the limit locks the account, and a lock
     * in force is kept, not extended.
     */
    async countFailure(db: DbOrTx, id: string, now: Date, maxFailures: number, lockoutMinutes: number) {
      const at = now.toISOString();
      const expired = sql`(${users.lockedUntil} is not null and ${users.lockedUntil} <= ${at}::timestamptz)`;
      const count = sql`(case when ${expired} then 1 else ${users.failedSignIns} + 1 end)`;
      const [row] = await db
        .update(users)
        .set({
          failedSignIns: count,
          lockedUntil: sql`case
            when ${users.lockedUntil} > ${at}::timestamptz then ${users.lockedUntil}
            when ${count} >= ${maxFailures} then ${at}::timestamptz + make_interval(mins => ${lockoutMinutes})
            else null end`,
        })
        .where(eq(users.id, id))
        .returning({ failedSignIns: users.failedSignIns, lockedUntil: users.lockedUntil });
      return row!;
    },
    /** A right password: the count starts again, unless the account is locked (then false). */
    async clearFailures(db: DbOrTx, id: string, now: Date) {
      const cleared = await db
        .update(users)
        .set({ failedSignIns: 0, lockedUntil: null })
        .where(and(eq(users.id, id), or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
        .returning({ id: users.id });
      return cleared.length > 0;
    },
    /** Every session of the user but the one kept; how many ended. */
    async endOtherSessions(db: DbOrTx, userId: string, keepIdHash?: string) {
      const ended = await db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), keepIdHash ? ne(sessions.idHash, keepIdHash) : undefined))
        .returning({ idHash: sessions.idHash });
      return ended.length;
    },
    /** Revokes every live token of the user; their ids. */
    async revokeTokens(db: DbOrTx, userId: string, at: Date) {
      const revoked = await db
        .update(apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
        .returning({ id: apiTokens.id });
      return revoked.map((r) => r.id);
    },
    /** A deactivated user's sessions and tokens stop working at once. */
    async endAccess(db: DbOrTx, userId: string, at: Date) {
      await db.delete(sessions).where(eq(sessions.userId, userId));
      await db
        .update(apiTokens)
        .set({ revokedAt: at })
        .where(sql`${apiTokens.userId} = ${userId} and ${apiTokens.revokedAt} is null`);
    },
  };
}
