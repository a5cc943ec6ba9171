import { and, arrayOverlaps, asc, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { referrals, users } from '../../db/schema/index.js';
import { ASSIGNEE_ROLES } from '../../domain/lifecycle.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Queries only, for the work queue; the list and its counts are the referrals repository's. */
export function createQueueRepository() {
  return {
    async referralHead(db: DbOrTx, id: string) {
      if (!UUID.test(id)) return undefined;
      const [r] = await db
        .select({
          id: referrals.id,
          reference: referrals.reference,
          contentTitle: referrals.contentTitle,
          status: referrals.status,
          assigneeId: referrals.assigneeId,
        })
        .from(referrals)
        .where(eq(referrals.id, id));
      return r;
    },

    /** A user by id or username, for assignment: roles and whether the account is active. */
    async userByIdOrUsername(db: DbOrTx, idOrUsername: string) {
      const [u] = await db
        .select({ id: users.id, username: users.username, name: users.displayName, roles: users.roles, active: users.active })
        .from(users)
        .where(
          UUID.test(idOrUsername) ? or(eq(users.id, idOrUsername), eq(users.username, idOrUsername)) : eq(users.username, idOrUsername),
        )
        .limit(1);
      return u;
    },

    /** Who work can be assigned to (domain/lifecycle.ts): active operatives, by name. */
    activeOperatives: (db: DbOrTx) =>
      db
        .select({ id: users.id, username: users.username, name: users.displayName })
        .from(users)
        .where(and(eq(users.active, true), arrayOverlaps(users.roles, [...ASSIGNEE_ROLES])))
        .orderBy(asc(users.displayName), asc(users.username)),
  };
}
