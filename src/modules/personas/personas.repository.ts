import { and, arrayOverlaps, asc, count, desc, eq, getTableColumns, gte, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { investigationKey, PERSONA_USERS } from '../../domain/personas.js';
import type { DbOrTx } from '../../db/client.js';
import { referralVisible, visibleThrough } from '../restriction/restriction.sql.js';
import {
  personaAssignments,
  personaReviews,
  personas,
  personaSecrets,
  personaStatusHistory,
  personaUses,
  referrals,
  users,
} from '../../db/schema/index.js';

export type PersonaRow = typeof personas.$inferSelect;
/** A use with the reference of the referral it served (the use log shows the reference, not an id). */
export type PersonaUseRow = typeof personaUses.$inferSelect & {
  referralReference: string | null;
  persona: { website: string; userName: string };
};
export type Person = { id: string; username: string; name: string };

/** What the register's list is filtered by (validated, London's today already read by the service). */
export type PersonaFilter = { status?: string; website?: string; overdueBefore?: string; notOverdueOn?: string; assignedTo?: string };

const person = { id: users.id, username: users.username, name: users.displayName };

/** Queries only; every function takes the connection or transaction it runs in. Secrets go in sealed, and never come out here but by `sealedSecret`. */
export function createPersonasRepository() {
  const where = (f: PersonaFilter): SQL | undefined =>
    and(
      f.status ? eq(personas.status, f.status as PersonaRow['status']) : undefined,
      f.website ? sql`lower(${personas.website}) = lower(${f.website})` : undefined,
      // Overdue: a review date before today on a persona that is still reviewed (active or suspended).
      f.overdueBefore
        ? and(inArray(personas.status, ['active', 'suspended']), isNotNull(personas.reviewDueOn), lt(personas.reviewDueOn, f.overdueBefore))
        : undefined,
      f.notOverdueOn
        ? or(
            sql`${personas.status} not in ('active', 'suspended')`,
            sql`${personas.reviewDueOn} is null`,
            gte(personas.reviewDueOn, f.notOverdueOn),
          )
        : undefined,
      f.assignedTo
        ? sql`exists (select 1 from ${personaAssignments} where ${personaAssignments.personaId} = ${personas.id} and ${personaAssignments.userId} = ${f.assignedTo})`
        : undefined,
    );

  return {
    insert: async (tx: DbOrTx, row: typeof personas.$inferInsert) => (await tx.insert(personas).values(row).returning())[0]!,
    insertSecrets: (tx: DbOrTx, rows: (typeof personaSecrets.$inferInsert)[]) => tx.insert(personaSecrets).values(rows),
    /**
     * Adds to the status history at `row.at`, or just after its last change when the clock gives
     * the same millisecond (the persona is locked): the history's order is its times' order.
     */
    async insertHistory(tx: DbOrTx, row: typeof personaStatusHistory.$inferInsert & { at: Date }) {
      const [last] = await tx
        .select({ at: personaStatusHistory.at })
        .from(personaStatusHistory)
        .where(eq(personaStatusHistory.personaId, row.personaId))
        .orderBy(desc(personaStatusHistory.at))
        .limit(1);
      const at = last && last.at >= row.at ? new Date(last.at.getTime() + 1) : row.at;
      await tx.insert(personaStatusHistory).values({ ...row, at });
    },
    insertReview: (tx: DbOrTx, row: typeof personaReviews.$inferInsert) => tx.insert(personaReviews).values(row),
    insertUse: async (tx: DbOrTx, row: typeof personaUses.$inferInsert) => (await tx.insert(personaUses).values(row).returning())[0]!,
    /** Assigns unless already assigned; true when it was added. */
    async assign(tx: DbOrTx, row: typeof personaAssignments.$inferInsert) {
      const added = await tx.insert(personaAssignments).values(row).onConflictDoNothing().returning({ userId: personaAssignments.userId });
      return added.length > 0;
    },
    update: (tx: DbOrTx, id: string, set: Partial<typeof personas.$inferInsert>) => tx.update(personas).set(set).where(eq(personas.id, id)),

    async persona(db: DbOrTx, id: string) {
      const [row] = await db.select().from(personas).where(eq(personas.id, id));
      return row;
    },
    /** The persona locked for a change: two decisions at once take turns, and the second sees the first's status. */
    async lockPersona(tx: DbOrTx, id: string) {
      const [row] = await tx.select().from(personas).where(eq(personas.id, id)).for('update');
      return row;
    },
    async isAssigned(db: DbOrTx, personaId: string, userId: string) {
      const [row] = await db
        .select({ userId: personaAssignments.userId })
        .from(personaAssignments)
        .where(and(eq(personaAssignments.personaId, personaId), eq(personaAssignments.userId, userId)));
      return row !== undefined;
    },
    async sealedSecret(db: DbOrTx, personaId: string, kind: string) {
      const [row] = await db
        .select({ sealed: personaSecrets.sealed })
        .from(personaSecrets)
        .where(and(eq(personaSecrets.personaId, personaId), eq(personaSecrets.kind, kind as 'password')));
      return row?.sealed;
    },
    /** Which kinds of secret each persona holds (never their values). */
    async secretKinds(db: DbOrTx, personaIds: string[]) {
      const map = new Map<string, string[]>();
      if (!personaIds.length) return map;
      const rows = await db
        .select({ personaId: personaSecrets.personaId, kind: personaSecrets.kind })
        .from(personaSecrets)
        .where(inArray(personaSecrets.personaId, personaIds))
        .orderBy(asc(personaSecrets.kind));
      for (const r of rows) map.set(r.personaId, [...(map.get(r.personaId) ?? []), r.kind]);
      return map;
    },
    async people(db: DbOrTx, ids: string[]) {
      if (!ids.length) return new Map<string, Person>();
      const rows = await db.select(person).from(users).where(inArray(users.id, ids));
      return new Map(rows.map((r) => [r.id, r]));
    },
    async userWithRoles(db: DbOrTx, id: string) {
      const [row] = await db
        .select({ ...person, roles: users.roles, active: users.active })
        .from(users)
        .where(eq(users.id, id));
      return row;
    },
    /** Who a persona can be assigned to (the service's rule): active operatives and sergeants, by name. */
    caseWorkers: (db: DbOrTx) =>
      db
        .select({ ...person, roles: users.roles })
        .from(users)
        .where(and(eq(users.active, true), arrayOverlaps(users.roles, [...PERSONA_USERS])))
        .orderBy(asc(users.displayName), asc(users.username)),
    /** The referral's reference, or undefined when there is no such referral. */
    async referralReference(db: DbOrTx, id: string) {
      // DPA 2018 s.47: a restricted referral is, to the unit, no referral (decision 023).
      const [row] = await db
        .select({ reference: referrals.reference })
        .from(referrals)
        .where(and(eq(referrals.id, id), referralVisible));
      return row?.reference;
    },

    assignees: (db: DbOrTx, personaId: string) =>
      db
        .select(person)
        .from(personaAssignments)
        .innerJoin(users, eq(users.id, personaAssignments.userId))
        .where(eq(personaAssignments.personaId, personaId))
        .orderBy(asc(users.username)),
    history: (db: DbOrTx, personaId: string) =>
      db
        .select()
        .from(personaStatusHistory)
        .where(eq(personaStatusHistory.personaId, personaId))
        .orderBy(asc(personaStatusHistory.at), asc(personaStatusHistory.id)),
    reviews: (db: DbOrTx, personaId: string) =>
      db
        .select()
        .from(personaReviews)
        .where(eq(personaReviews.personaId, personaId))
        .orderBy(asc(personaReviews.at), asc(personaReviews.id)),

    /** A page of the register, newest request first (then by id, so pages never overlap), and how many match. */
    async page(db: DbOrTx, f: PersonaFilter, offset: number, limit: number) {
      const condition = where(f);
      const rows = await db
        .select()
        .from(personas)
        .where(condition)
        .orderBy(desc(personas.createdAt), desc(personas.id))
        .limit(limit)
        .offset(offset);
      const [total] = await db.select({ n: count() }).from(personas).where(condition);
      return { rows, total: total?.n ?? 0 };
    },

    /**
     * RIPA 2000 (issue 14 point 7): takes, until the transaction ends, a lock on each key a use
     * touches (`referral:<id>`, `investigation:<ref>`, `subject:<key>`; domain `repeatedViewingKeys`),
     * in their sorted order so that two uses sharing keys never deadlock. Two uses of the same
     * referral at the same moment then count one after the other, and the second sees the first.
     */
    async lockViewingKeys(tx: DbOrTx, keys: readonly string[]) {
      for (const key of [...keys].sort())
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`persona-viewing:${key}`}, 0))`);
    },

    /** RIPA 2000: the uses through any persona since `since` of the same referral OR investigation reference (`investigationKey`) OR subject key. */
    async repeatedUsesSince(
      db: DbOrTx,
      touched: { referralId?: string; investigationReference?: string; subjectKey: string | null },
      since: Date,
    ) {
      const same = or(
        touched.referralId ? eq(personaUses.referralId, touched.referralId) : undefined,
        touched.investigationReference
          ? sql`lower(regexp_replace(btrim(${personaUses.investigationReference}), '\\s+', ' ', 'g')) = ${investigationKey(touched.investigationReference)}`
          : undefined,
        touched.subjectKey ? eq(personaUses.subjectKey, touched.subjectKey) : undefined,
      );
      if (!same) return 0;
      const [row] = await db
        .select({ n: count() })
        .from(personaUses)
        .where(and(same, gte(personaUses.at, since)));
      return row?.n ?? 0;
    },

    /** A page of a use log (one persona's, or one user's), newest first. */
    async usesPage(db: DbOrTx, by: { personaId: string } | { userId: string }, offset: number, limit: number) {
      const condition = 'personaId' in by ? eq(personaUses.personaId, by.personaId) : eq(personaUses.userId, by.userId);
      // The use log names no restricted referral (DPA 2018 s.47, decision 023): its link is left out.
      const rows = await db
        .select({
          ...getTableColumns(personaUses),
          referralId: sql<string | null>`case when ${visibleThrough(personaUses.referralId)} then ${personaUses.referralId} end`,
          referralReference: sql<string | null>`case when ${visibleThrough(personaUses.referralId)} then ${referrals.reference} end`,
          persona: { website: personas.website, userName: personas.userName },
        })
        .from(personaUses)
        .innerJoin(personas, eq(personas.id, personaUses.personaId))
        .leftJoin(referrals, eq(referrals.id, personaUses.referralId))
        .where(condition)
        .orderBy(desc(personaUses.at), desc(personaUses.id))
        .limit(limit)
        .offset(offset);
      const [total] = await db.select({ n: count() }).from(personaUses).where(condition);
      return { rows, total: total?.n ?? 0 };
    },
  };
}
