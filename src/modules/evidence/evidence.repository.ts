import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { referralVisible } from '../restriction/restriction.sql.js';
import { captures, evidenceObjects, evidencePackages, intelligenceRecords, referrals, users } from '../../db/schema/index.js';

export type CaptureInsert = typeof captures.$inferInsert;
export type ObjectRow = typeof evidenceObjects.$inferSelect;
export type CaptureRow = Awaited<ReturnType<ReturnType<typeof createEvidenceRepository>['captures']>>[number];
export type PackageRow = Awaited<ReturnType<ReturnType<typeof createEvidenceRepository>['packages']>>[number];

/** A capture with its stored object and who captured it. */
const captureColumns = {
  capture: captures,
  object: evidenceObjects,
  capturedBy: { id: users.id, username: users.username, name: users.displayName },
};

/** Queries only; every function takes the connection or transaction it runs in. */
export function createEvidenceRepository() {
  const selectCaptures = (db: DbOrTx) =>
    db
      .select(captureColumns)
      .from(captures)
      .leftJoin(evidenceObjects, eq(evidenceObjects.sha256, captures.sha256))
      .innerJoin(users, eq(users.id, captures.capturedBy));

  return {
    /** What the capture rules and the package need of the referral. */
    async referral(db: DbOrTx, id: string) {
      const [r] = await db
        .select({ id: referrals.id, reference: referrals.reference, status: referrals.status, assigneeId: referrals.assigneeId })
        .from(referrals)
        .where(eq(referrals.id, id));
      return r;
    },

    /** The referral's captures, oldest first. */
    captures: (db: DbOrTx, referralId: string) =>
      selectCaptures(db).where(eq(captures.referralId, referralId)).orderBy(asc(captures.requestedAt), asc(captures.id)),

    async capture(db: DbOrTx, referralId: string, captureId: string) {
      const [row] = await selectCaptures(db).where(and(eq(captures.referralId, referralId), eq(captures.id, captureId)));
      return row;
    },

    /** For the capture job: the capture alone, whatever its referral. */
    async captureById(db: DbOrTx, captureId: string) {
      const [row] = await db.select().from(captures).where(eq(captures.id, captureId));
      return row;
    },

    insertCapture: async (tx: DbOrTx, row: CaptureInsert) => (await tx.insert(captures).values(row).returning())[0]!,

    /**
     * The object's row, made once whoever stores the same bytes first. True when this call made
     * it (so its analysis is still to be sent), false when it was there already.
     */
    async addObject(tx: DbOrTx, row: typeof evidenceObjects.$inferInsert) {
      const made = await tx.insert(evidenceObjects).values(row).onConflictDoNothing().returning({ sha256: evidenceObjects.sha256 });
      return made.length === 1;
    },

    /**
     * The race rule (decisions 014, 017): whoever makes an object's row after a put, and whoever
     * deletes its bytes, takes this transaction-scoped lock on the hash first, so the bytes are never
     * deleted under a row made for them (the same on PostgreSQL and PGlite).
     */
    lockBytes: (tx: DbOrTx, sha256: string) => tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${sha256}, 0))`),

    object: async (db: DbOrTx, sha256: string) => (await db.select().from(evidenceObjects).where(eq(evidenceObjects.sha256, sha256)))[0],

    /**
     * Whether any record still holds the object (a capture, a library entry, a package, an analysis
     * image of a kept object). The retention sweep asks inside its transaction, under `lockBytes`.
     */
    async isHeld(db: DbOrTx, sha256: string) {
      const { rows } = await db.execute<{ held: boolean }>(sql`SELECT
        EXISTS (SELECT 1 FROM captures WHERE sha256 = ${sha256})
        OR EXISTS (SELECT 1 FROM library_entry_captures WHERE sha256 = ${sha256})
        OR EXISTS (SELECT 1 FROM evidence_packages WHERE sha256 = ${sha256})
        OR EXISTS (SELECT 1 FROM evidence_objects WHERE contact_sheet_sha256 = ${sha256} OR waveform_sha256 = ${sha256}) AS held`);
      return rows[0]?.held ?? false;
    },

    setAnalysis: (
      tx: DbOrTx,
      sha256: string,
      values: Partial<Pick<ObjectRow, 'analysisStatus' | 'analysis' | 'analysisError' | 'contactSheetSha256' | 'waveformSha256'>>,
    ) => tx.update(evidenceObjects).set(values).where(eq(evidenceObjects.sha256, sha256)),

    setProgress: (db: DbOrTx, captureId: string, bytes: number, total: number | null) =>
      db
        .update(captures)
        .set({ progressBytes: bytes, expectedBytes: total })
        .where(and(eq(captures.id, captureId), eq(captures.status, 'pending'))),

    /** Ends a pending capture; false when it was not pending any more (another worker ended it). */
    async finish(tx: DbOrTx, captureId: string, values: Partial<CaptureInsert>) {
      const done = await tx
        .update(captures)
        .set(values)
        .where(and(eq(captures.id, captureId), eq(captures.status, 'pending')))
        .returning({ id: captures.id });
      return done.length === 1;
    },

    /** Deconfliction by content: other open referrals holding any of these bytes. */
    async duplicates(db: DbOrTx, sha256s: string[], referralId: string) {
      if (!sha256s.length) return [];
      return db
        .selectDistinct({ sha256: captures.sha256, referralId: referrals.id, reference: referrals.reference })
        .from(captures)
        .innerJoin(referrals, eq(referrals.id, captures.referralId))
        .where(and(inArray(captures.sha256, sha256s), ne(captures.referralId, referralId), ne(referrals.status, 'closed'), referralVisible))
        .orderBy(asc(referrals.reference));
    },

    /** SOP 6.3: the handling code and conditions of the referral's intelligence record, when it has one. */
    async handling(db: DbOrTx, referralId: string) {
      const [row] = await db
        .select({ handlingCode: intelligenceRecords.handlingCode, handlingConditions: intelligenceRecords.handlingConditions })
        .from(intelligenceRecords)
        .where(eq(intelligenceRecords.referralId, referralId));
      return row ?? null;
    },

    insertPackage: async (tx: DbOrTx, row: typeof evidencePackages.$inferInsert) =>
      (await tx.insert(evidencePackages).values(row).returning())[0]!,

    packages: (db: DbOrTx, referralId: string) =>
      db
        .select({ pkg: evidencePackages, createdBy: { id: users.id, username: users.username, name: users.displayName } })
        .from(evidencePackages)
        .innerJoin(users, eq(users.id, evidencePackages.createdBy))
        .where(eq(evidencePackages.referralId, referralId))
        .orderBy(desc(evidencePackages.createdAt)),
  };
}
