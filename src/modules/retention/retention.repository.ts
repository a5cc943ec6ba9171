import { and, asc, count, desc, eq, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { deletionCertificates, evidenceObjects, libraryEntries, libraryEntryCaptures, users } from '../../db/schema/index.js';
import type { Certificate, RetainedEntry } from '../../domain/retention.js';

const retained = {
  id: libraryEntries.id,
  reference: libraryEntries.reference,
  removedOn: libraryEntries.removedOn,
  expiresOn: libraryEntries.expiresOn,
  held: isNotNull(libraryEntries.holdPlacedAt).mapWith(Boolean),
};

/** SOP 2.2, 10.8: expired before `today` and not held (domain/retention.ts `isDue`, as SQL, to find the candidates). */
const due = (today: string) => and(isNull(libraryEntries.holdPlacedAt), lt(libraryEntries.expiresOn, today));

/** Queries only; every function takes the connection or transaction it runs in. */
export function createRetentionRepository() {
  return {
    /** The entries due, oldest expiry first, at most `limit` (the rest wait for the next sweep). */
    dueEntries: (db: DbOrTx, today: string, limit: number): Promise<RetainedEntry[]> =>
      db
        .select(retained)
        .from(libraryEntries)
        .where(due(today))
        .orderBy(asc(libraryEntries.expiresOn), asc(libraryEntries.id))
        .limit(limit),

    /**
     * The entry locked for its deletion; undefined when another sweep holds it (SKIP LOCKED: no
     * waiting) or has deleted it. The caller re-checks that it is still due under the lock.
     */
    async lockEntry(tx: DbOrTx, id: string): Promise<RetainedEntry | undefined> {
      const [row] = await tx.select(retained).from(libraryEntries).where(eq(libraryEntries.id, id)).for('update', { skipLocked: true });
      return row;
    },

    async entryHashes(tx: DbOrTx, id: string) {
      const rows = await tx
        .select({ sha256: libraryEntryCaptures.sha256 })
        .from(libraryEntryCaptures)
        .where(eq(libraryEntryCaptures.entryId, id));
      return rows.map((r) => r.sha256);
    },

    /** Deletes the entry; its captures, history, index terms and matches go with it (ON DELETE CASCADE). */
    deleteEntry: (tx: DbOrTx, id: string) => tx.delete(libraryEntries).where(eq(libraryEntries.id, id)),

    insertCertificate: async (tx: DbOrTx, c: Certificate) => (await tx.insert(deletionCertificates).values(c).returning())[0]!,

    /** The object's own derived images (contact sheet, waveform), when it has a row. */
    async derivedOf(tx: DbOrTx, sha256: string) {
      const [row] = await tx
        .select({ sheet: evidenceObjects.contactSheetSha256, wave: evidenceObjects.waveformSha256 })
        .from(evidenceObjects)
        .where(eq(evidenceObjects.sha256, sha256));
      return row ? [row.sheet, row.wave].filter((s): s is string => s !== null) : undefined;
    },

    /** Deletes an object's row (its fingerprint goes with it, ON DELETE CASCADE). */
    deleteObject: (tx: DbOrTx, sha256: string) => tx.delete(evidenceObjects).where(eq(evidenceObjects.sha256, sha256)),

    hasObject: async (tx: DbOrTx, sha256: string) =>
      (await tx.select({ sha256: evidenceObjects.sha256 }).from(evidenceObjects).where(eq(evidenceObjects.sha256, sha256))).length > 0,

    /**
     * Crash recovery (decision 017): the hashes on certificates since `since` that have no object
     * row. Their bytes may still be stored if a sweep stopped between its commit and deleting them.
     */
    async orphanCandidates(db: DbOrTx, since: Date) {
      const { rows } = await db.execute<{ sha256: string }>(sql`SELECT DISTINCT h.sha256
        FROM ${deletionCertificates} c CROSS JOIN LATERAL unnest(c.sha256s) AS h(sha256)
        WHERE c.deleted_at > ${since.toISOString()}
          AND NOT EXISTS (SELECT 1 FROM ${evidenceObjects} o WHERE o.sha256 = h.sha256)
        ORDER BY h.sha256`);
      return rows.map((r) => r.sha256);
    },

    /** A page of certificates, newest first (then by id, so pages never overlap), and how many there are. */
    async certificates(db: DbOrTx, offset: number, limit: number) {
      const rows = await db
        .select()
        .from(deletionCertificates)
        .orderBy(desc(deletionCertificates.deletedAt), desc(deletionCertificates.id))
        .limit(limit)
        .offset(offset);
      const [total] = await db.select({ n: count() }).from(deletionCertificates);
      return { rows, total: total?.n ?? 0 };
    },

    /**
     * Entries not held that expire on or before `by` (those already due included), soonest first;
     * `only` narrows them (the entries a reader may see: DPA 2018 s.47).
     */
    expiring: (db: DbOrTx, by: string, limit: number, only?: SQL) =>
      db
        .select(retained)
        .from(libraryEntries)
        .where(and(isNull(libraryEntries.holdPlacedAt), lte(libraryEntries.expiresOn, by), only))
        .orderBy(asc(libraryEntries.expiresOn), asc(libraryEntries.id))
        .limit(limit),

    /** Held entries with their holds and who placed them, the earliest review first; `only` as above. */
    held: (db: DbOrTx, limit: number, only?: SQL) =>
      db
        .select({
          entry: retained,
          investigationReference: libraryEntries.holdInvestigationReference,
          reason: libraryEntries.holdReason,
          placedAt: libraryEntries.holdPlacedAt,
          reviewOn: libraryEntries.holdReviewOn,
          placedBy: { id: users.id, username: users.username, name: users.displayName },
        })
        .from(libraryEntries)
        .leftJoin(users, eq(users.id, libraryEntries.holdPlacedBy))
        .where(and(isNotNull(libraryEntries.holdPlacedAt), only))
        .orderBy(asc(libraryEntries.holdReviewOn), asc(libraryEntries.id))
        .limit(limit),
  };
}
