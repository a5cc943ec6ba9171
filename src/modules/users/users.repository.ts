import { asc, eq, sql } from 'drizzle-orm';
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
