import { and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { visibleThrough } from '../restriction/restriction.sql.js';
import {
  captures,
  evidenceObjects,
  intelligenceRecords,
  libraryEntries,
  libraryEntryCaptures,
  libraryHistory,
  referrals,
  users,
} from '../../db/schema/index.js';

export type EntryRow = typeof libraryEntries.$inferSelect;
export type HistoryInsert = typeof libraryHistory.$inferInsert;

/** What the library list is filtered by (already validated and turned into dates by the service). */
export type EntryFilter = {
  q?: string;
  platform?: string;
  held?: boolean;
  /** Expiring on or before this date (and not held: a held entry does not expire). */
  expiresBy?: string;
  /** Held with its review date on or before this date. */
  reviewBy?: string;
};

/** `%` and `_` are LIKE's wildcards: a search for "50%" means the characters. */
const likeEscaped = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Queries only; every function takes the connection or transaction it runs in. */
export function createLibraryRepository() {
  const where = (f: EntryFilter): SQL | undefined => {
    // DPA 2018 s.47: no entry made from a restricted referral is listed or found (decision 023).
    const parts: (SQL | undefined)[] = [visibleThrough(libraryEntries.referralId)];
    if (f.q) {
      const pattern = likeEscaped(f.q);
      parts.push(
        or(
          ilike(libraryEntries.contentTitle, pattern),
          ilike(libraryEntries.reference, pattern),
          ilike(libraryEntries.contentUrl, pattern),
        ),
      );
    }
    if (f.platform) parts.push(sql`${f.platform} = any(${libraryEntries.platforms})`);
    if (f.held === true) parts.push(isNotNull(libraryEntries.holdPlacedAt));
    if (f.held === false) parts.push(isNull(libraryEntries.holdPlacedAt));
    if (f.expiresBy) parts.push(and(isNull(libraryEntries.holdPlacedAt), lte(libraryEntries.expiresOn, f.expiresBy)));
    if (f.reviewBy) parts.push(and(isNotNull(libraryEntries.holdPlacedAt), lte(libraryEntries.holdReviewOn, f.reviewBy)));
    return and(...parts);
  };

  return {
    /**
     * What an entry copies when it is made (SOP 10.8, 10.4.1-10.4.6): the intelligence record
     * (with the terms each platform referral cited, 10.4.6) and the referral's reference.
     */
    async sourceOf(tx: DbOrTx, referralId: string) {
      const [row] = await tx
        .select({ record: intelligenceRecords, reference: referrals.reference })
        .from(intelligenceRecords)
        .innerJoin(referrals, eq(referrals.id, intelligenceRecords.referralId))
        .where(eq(intelligenceRecords.referralId, referralId));
      return row;
    },

    /** The referral's stored captures, by their bytes (one row per distinct sha256, the first capture of it). */
    async storedCaptures(tx: DbOrTx, referralId: string) {
      const rows = await tx
        .select({ captureId: captures.id, sha256: captures.sha256 })
        .from(captures)
        .where(and(eq(captures.referralId, referralId), eq(captures.status, 'stored'), isNotNull(captures.sha256)))
        .orderBy(asc(captures.requestedAt), asc(captures.id));
      const seen = new Set<string>();
      return rows.flatMap((r) =>
        r.sha256 && !seen.has(r.sha256) ? (seen.add(r.sha256), [{ captureId: r.captureId, sha256: r.sha256 }]) : [],
      );
    },

    /** Makes the entry unless the referral has one; undefined when it had (one entry per referral). */
    async insertEntry(tx: DbOrTx, row: typeof libraryEntries.$inferInsert) {
      const [made] = await tx.insert(libraryEntries).values(row).onConflictDoNothing({ target: libraryEntries.referralId }).returning();
      return made;
    },

    async insertCaptures(tx: DbOrTx, entryId: string, rows: { captureId: string; sha256: string }[]) {
      if (rows.length) await tx.insert(libraryEntryCaptures).values(rows.map((r) => ({ entryId, ...r })));
    },

    /**
     * Adds to the entry's history at `row.at`, or just after its last event when the clock gives the
     * same millisecond (the entry is locked): the history's order is its times' order.
     */
    async insertHistory(tx: DbOrTx, row: HistoryInsert & { at: Date }) {
      const [last] = await tx
        .select({ at: libraryHistory.at })
        .from(libraryHistory)
        .where(eq(libraryHistory.entryId, row.entryId))
        .orderBy(desc(libraryHistory.at))
        .limit(1);
      const at = last && last.at >= row.at ? new Date(last.at.getTime() + 1) : row.at;
      await tx.insert(libraryHistory).values({ ...row, at });
    },

    async entry(db: DbOrTx, id: string) {
      const [row] = await db.select().from(libraryEntries).where(eq(libraryEntries.id, id));
      return row;
    },

    /** The entry locked for a change of its hold: two requests at once take turns. */
    async lockEntry(tx: DbOrTx, id: string) {
      const [row] = await tx.select().from(libraryEntries).where(eq(libraryEntries.id, id)).for('update');
      return row;
    },

    setHold: (
      tx: DbOrTx,
      id: string,
      hold: Partial<{
        holdInvestigationReference: string | null;
        holdReason: string | null;
        holdPlacedBy: string | null;
        holdPlacedAt: Date | null;
        holdReviewOn: string | null;
      }>,
    ) => tx.update(libraryEntries).set(hold).where(eq(libraryEntries.id, id)),

    /** The entry's captures with their stored object's type, for the entry page's player. */
    entryCaptures: (db: DbOrTx, entryId: string) =>
      db
        .select({
          captureId: libraryEntryCaptures.captureId,
          sha256: libraryEntryCaptures.sha256,
          mediaType: evidenceObjects.mediaType,
          size: evidenceObjects.size,
        })
        .from(libraryEntryCaptures)
        .innerJoin(evidenceObjects, eq(evidenceObjects.sha256, libraryEntryCaptures.sha256))
        .where(eq(libraryEntryCaptures.entryId, entryId))
        .orderBy(asc(libraryEntryCaptures.sha256)),

    /** What happened to the entry, oldest first, with each actor's name. */
    history: (db: DbOrTx, entryId: string) =>
      db
        .select({ event: libraryHistory, actor: { username: users.username, name: users.displayName } })
        .from(libraryHistory)
        .leftJoin(users, eq(users.id, libraryHistory.actorId))
        .where(eq(libraryHistory.entryId, entryId))
        .orderBy(asc(libraryHistory.at), asc(libraryHistory.id)),

    /** Who placed holds, by id, for the entries shown. */
    async userNames(db: DbOrTx, ids: string[]) {
      if (!ids.length) return new Map<string, { username: string; name: string }>();
      const rows = await db
        .select({ id: users.id, username: users.username, name: users.displayName })
        .from(users)
        .where(inArray(users.id, ids));
      return new Map(rows.map((r) => [r.id, { username: r.username, name: r.name }]));
    },

    /** A page of entries, newest removal first (then by id, so pages never overlap), and how many match. */
    async page(db: DbOrTx, f: EntryFilter, offset: number, limit: number) {
      const condition = where(f);
      const rows = await db
        .select()
        .from(libraryEntries)
        .where(condition)
        .orderBy(desc(libraryEntries.removedOn), desc(libraryEntries.id))
        .limit(limit)
        .offset(offset);
      const [total] = await db.select({ n: count() }).from(libraryEntries).where(condition);
      return { rows, total: total?.n ?? 0 };
    },

    /** The capture ids of the entries shown. */
    async captureIdsOf(db: DbOrTx, entryIds: string[]) {
      if (!entryIds.length) return new Map<string, string[]>();
      const rows = await db
        .select({ entryId: libraryEntryCaptures.entryId, captureId: libraryEntryCaptures.captureId })
        .from(libraryEntryCaptures)
        .where(inArray(libraryEntryCaptures.entryId, entryIds))
        .orderBy(asc(libraryEntryCaptures.sha256));
      const map = new Map<string, string[]>();
      for (const r of rows) if (r.captureId) map.set(r.entryId, [...(map.get(r.entryId) ?? []), r.captureId]);
      return map;
    },
  };
}
