import { date, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { LibraryEvent } from '../../domain/vocabulary.js';
import { captures, evidenceObjects } from './evidence.js';
import { referrals } from './referrals.js';
import { users } from './users.js';

/**
 * The Domain library (SOP 10.8, 2.2; DESIGN.md "Domain library"): removed musical content, indexed with
 * the intelligence record's information, kept 12 months from its first removal unless held. The
 * entry keeps its own copy of those fields: it outlives the referral when held (CPIA 1996).
 */
export const libraryEntries = pgTable(
  'library_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .unique()
      .references(() => referrals.id, { onDelete: 'set null' }),
    reference: text('reference').notNull(),
    contentTitle: text('content_title').notNull(),
    contentUrl: text('content_url').notNull(),
    platforms: text('platforms').array().notNull(),
    rationale: text('rationale').notNull(),
    summary: text('summary').notNull(),
    termsBreached: text('terms_breached').array().notNull(),
    removedOn: date('removed_on').notNull(),
    expiresOn: date('expires_on').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    // The hold, when there is one (CPIA 1996): with its investigation, reason and the date to review it.
    holdInvestigationReference: text('hold_investigation_reference'),
    holdReason: text('hold_reason'),
    holdPlacedBy: uuid('hold_placed_by').references(() => users.id),
    holdPlacedAt: timestamp('hold_placed_at', { withTimezone: true }),
    holdReviewOn: date('hold_review_on'),
  },
  (t) => [index('library_entries_expires_idx').on(t.expiresOn), index('library_entries_removed_idx').on(t.removedOn, t.id)],
);

/** The entry's captures, by their bytes: the bytes stay while any record holds them. */
export const libraryEntryCaptures = pgTable(
  'library_entry_captures',
  {
    entryId: uuid('entry_id')
      .notNull()
      .references(() => libraryEntries.id, { onDelete: 'cascade' }),
    sha256: text('sha256')
      .notNull()
      .references(() => evidenceObjects.sha256),
    captureId: uuid('capture_id').references(() => captures.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.sha256] }), index('library_entry_captures_sha_idx').on(t.sha256)],
);

/** What happened to an entry: entered, and each hold placed or released with its reason. */
export const libraryHistory = pgTable(
  'library_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => libraryEntries.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    action: text('action').$type<LibraryEvent>().notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    investigationReference: text('investigation_reference'),
    reason: text('reason'),
    reviewOn: date('review_on'),
  },
  (t) => [index('library_history_entry_idx').on(t.entryId, t.at)],
);

/**
 * What a deletion leaves (DESIGN.md "Domain library", retention): what, when, under which rule,
 * the hashes of what was deleted, nothing of the content.
 */
export const deletionCertificates = pgTable(
  'deletion_certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }).notNull(),
    entity: text('entity').notNull(),
    entityId: uuid('entity_id').notNull(),
    reference: text('reference').notNull(),
    rule: text('rule').notNull(),
    sha256s: text('sha256s').array().notNull(),
  },
  (t) => [index('deletion_certificates_deleted_idx').on(t.deletedAt), index('deletion_certificates_entity_idx').on(t.entity, t.entityId)],
);

/** A stored object's audio fingerprint (`fpcalc -raw`): 32-bit sub-fingerprints, about 8 a second. */
export const audioFingerprints = pgTable('audio_fingerprints', {
  sha256: text('sha256')
    .primaryKey()
    .references(() => evidenceObjects.sha256, { onDelete: 'cascade' }),
  durationSeconds: doublePrecision('duration_seconds').notNull(),
  fingerprint: integer('fingerprint').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * The inverted index of the library's fingerprints (STACK.md "Audio re-upload recognition"): each
 * term (a sub-fingerprint's top bits) and the library entry and bytes it comes from. A plain b-tree,
 * the same on PostgreSQL and PGlite.
 */
export const libraryTerms = pgTable(
  'library_terms',
  {
    term: integer('term').notNull(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => libraryEntries.id, { onDelete: 'cascade' }),
    sha256: text('sha256').notNull(),
  },
  (t) => [primaryKey({ columns: [t.term, t.entryId, t.sha256] })],
);

/** A capture's matches in the library (issue 13): a hint for a person, never a decision. */
export const captureMatches = pgTable(
  'capture_matches',
  {
    captureId: uuid('capture_id')
      .notNull()
      .references(() => captures.id, { onDelete: 'cascade' }),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => libraryEntries.id, { onDelete: 'cascade' }),
    score: doublePrecision('score').notNull(),
    offsetSeconds: doublePrecision('offset_seconds').notNull(),
    matchedAt: timestamp('matched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.captureId, t.entryId] })],
);
