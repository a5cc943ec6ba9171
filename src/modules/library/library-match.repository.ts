import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { visibleThrough } from '../restriction/restriction.sql.js';
import {
  audioFingerprints,
  captureMatches,
  captures,
  evidenceObjects,
  libraryEntries,
  libraryEntryCaptures,
} from '../../db/schema/index.js';

/** A library track the candidate look-up found: the entry, its bytes, and how many query terms they share. */
type Candidate = { entryId: string; sha256: string; shared: number };

/** How many candidates the look-up returns (docs/audio-matching.md: the 10 % rule then leaves few). */
const CANDIDATE_LIMIT = 10;

/*
 * Fingerprints are Chromaprint's unsigned 32-bit items; PostgreSQL's integer is signed, so they
 * are stored as `item | 0` and read back as `item >>> 0` (docs/audio-matching.md).
 */
const toSigned = (items: readonly number[]) => items.map((i) => i | 0);
const toUnsigned = (items: readonly number[]) => items.map((i) => i >>> 0);

/**
 * The candidate look-up (STACK.md "Audio re-upload recognition"): the library tracks sharing most
 * of the query's terms, from the (term, entry, sha256) b-tree. Plain SQL, the same on PostgreSQL
 * and PGlite. Exported alone for the bench's ceiling.
 */
export async function candidateTracks(db: DbOrTx, terms: readonly number[], limit = CANDIDATE_LIMIT): Promise<Candidate[]> {
  if (!terms.length) return [];
  const { rows } = await db.execute<{ entry_id: string; sha256: string; shared: number }>(sql`
    SELECT entry_id, sha256, count(*)::int AS shared
    FROM library_terms
    WHERE term = ANY(${sql.param([...terms])}::int[])
    GROUP BY entry_id, sha256
    ORDER BY shared DESC, entry_id, sha256
    LIMIT ${limit}`);
  return rows.map((r) => ({ entryId: r.entry_id, sha256: r.sha256, shared: r.shared }));
}

/** Adds an entry's track to the index: one row per distinct term, in one statement; again is a no-op. */
export async function insertTerms(db: DbOrTx, entryId: string, sha256: string, terms: readonly number[]) {
  if (!terms.length) return;
  await db.execute(sql`
    INSERT INTO library_terms (term, entry_id, sha256)
    SELECT t, ${entryId}::uuid, ${sha256} FROM unnest(${sql.param([...terms])}::int[]) AS u(t)
    ON CONFLICT DO NOTHING`);
}

/** Queries of fingerprints, the term index and capture matches; each takes the connection or transaction it runs in. */
export function createLibraryMatchRepository() {
  return {
    async fingerprint(db: DbOrTx, sha256: string) {
      const [row] = await db.select().from(audioFingerprints).where(eq(audioFingerprints.sha256, sha256));
      return row && { ...row, fingerprint: toUnsigned(row.fingerprint) };
    },

    /** The fingerprints of these bytes, unsigned, by sha256. */
    async fingerprints(db: DbOrTx, sha256s: string[]) {
      if (!sha256s.length) return new Map<string, number[]>();
      const rows = await db
        .select({ sha256: audioFingerprints.sha256, fingerprint: audioFingerprints.fingerprint })
        .from(audioFingerprints)
        .where(inArray(audioFingerprints.sha256, sha256s));
      return new Map(rows.map((r) => [r.sha256, toUnsigned(r.fingerprint)]));
    },

    /** One fingerprint per stored object: a second run keeps the first. */
    insertFingerprint: (db: DbOrTx, row: { sha256: string; durationSeconds: number; fingerprint: number[]; createdAt: Date }) =>
      db
        .insert(audioFingerprints)
        .values({ ...row, fingerprint: toSigned(row.fingerprint) })
        .onConflictDoNothing(),

    /** The library entries holding these bytes. */
    async entriesHolding(db: DbOrTx, sha256: string) {
      const rows = await db
        .select({ entryId: libraryEntryCaptures.entryId })
        .from(libraryEntryCaptures)
        .where(eq(libraryEntryCaptures.sha256, sha256));
      return rows.map((r) => r.entryId);
    },

    /** An entry's captures' bytes. */
    async entryShas(db: DbOrTx, entryId: string) {
      const rows = await db
        .select({ sha256: libraryEntryCaptures.sha256 })
        .from(libraryEntryCaptures)
        .where(eq(libraryEntryCaptures.entryId, entryId));
      return rows.map((r) => r.sha256);
    },

    /** Each entry's reference and the referral it was made from (null when that referral is gone: the own-referral exclusion). */
    async entries(db: DbOrTx, entryIds: string[]) {
      if (!entryIds.length) return new Map<string, { reference: string; referralId: string | null }>();
      const rows = await db
        .select({ id: libraryEntries.id, reference: libraryEntries.reference, referralId: libraryEntries.referralId })
        .from(libraryEntries)
        // DPA 2018 s.47: an entry made from a restricted referral is matched by no one (decision 023).
        .where(and(inArray(libraryEntries.id, entryIds), visibleThrough(libraryEntries.referralId)));
      return new Map(rows.map((r) => [r.id, { reference: r.reference, referralId: r.referralId }]));
    },

    /**
     * The object locked for the fingerprint job's transaction: an entry being made with these bytes
     * (its captures' foreign keys take a key-share lock) waits for it, or it for the entry.
     */
    async lockObject(tx: DbOrTx, sha256: string) {
      const [row] = await tx
        .select({ sha256: evidenceObjects.sha256 })
        .from(evidenceObjects)
        .where(eq(evidenceObjects.sha256, sha256))
        .for('update');
      return row;
    },

    /** The stored captures of these bytes, on any referral. */
    capturesOf: (db: DbOrTx, sha256: string) =>
      db
        .select({ id: captures.id, referralId: captures.referralId })
        .from(captures)
        .where(and(eq(captures.sha256, sha256), eq(captures.status, 'stored'), isNotNull(captures.sha256))),

    /** The capture's matches become `rows`: a re-run replaces, never adds. */
    async replaceMatches(db: DbOrTx, captureId: string, rows: { entryId: string; score: number; offsetSeconds: number }[], at: Date) {
      await db.delete(captureMatches).where(eq(captureMatches.captureId, captureId));
      if (rows.length) await db.insert(captureMatches).values(rows.map((r) => ({ captureId, ...r, matchedAt: at })));
    },

    /**
     * The captures' matches with their entries, best first: the platform is the directory's name
     * of the one whose removal made the entry (on `removedOn`), else of the entry's first platform.
     */
    matchesOf: (db: DbOrTx, captureIds: string[]) =>
      captureIds.length
        ? db
            .select({
              captureId: captureMatches.captureId,
              entryId: captureMatches.entryId,
              reference: libraryEntries.reference,
              removedOn: libraryEntries.removedOn,
              score: captureMatches.score,
              platform: sql<string>`coalesce(
                (SELECT p.name FROM platform_referrals pr JOIN platforms p ON p.key = pr.platform
                  WHERE pr.referral_id = ${libraryEntries.referralId}
                    AND ((pr.decision = 'removed' AND pr.decided_on = ${libraryEntries.removedOn})
                      OR (pr.final_decision = 'removed' AND pr.final_decided_on = ${libraryEntries.removedOn}))
                  ORDER BY p.sort_order, p.key LIMIT 1),
                (SELECT p.name FROM platforms p WHERE p.key = ${libraryEntries.platforms}[1]),
                ${libraryEntries.platforms}[1])`,
            })
            .from(captureMatches)
            .innerJoin(libraryEntries, eq(libraryEntries.id, captureMatches.entryId))
            .where(and(inArray(captureMatches.captureId, captureIds), visibleThrough(libraryEntries.referralId)))
            .orderBy(desc(captureMatches.score), libraryEntries.reference)
        : Promise.resolve([]),
  };
}
