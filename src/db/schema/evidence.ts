import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { MediaAnalysis } from '../../domain/capture-rules.js';
import type { AnalysisStatus, CaptureSource, CaptureStatus } from '../../domain/vocabulary.js';
import { referrals } from './referrals.js';
import { users } from './users.js';

/**
 * Every stored object, by the SHA-256 of its plain bytes (issue 12): written once, encrypted, never
 * altered; the same bytes are stored once whoever captures them. A capture's content carries its
 * analysis (SOP 9.1), which depends on the bytes alone; contact sheets, waveforms and evidence
 * packages are objects too, without one.
 */
export const evidenceObjects = pgTable('evidence_objects', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  /** Detected from the bytes, never from a name. */
  mediaType: text('media_type').notNull(),
  storedAt: timestamp('stored_at', { withTimezone: true }).notNull(),
  analysisStatus: text('analysis_status').$type<AnalysisStatus>(),
  analysis: jsonb('analysis').$type<MediaAnalysis>(),
  analysisError: text('analysis_error'),
  contactSheetSha256: text('contact_sheet_sha256'),
  waveformSha256: text('waveform_sha256'),
});

/**
 * A capture: one referral's hold on stored bytes, with its chain of custody (SOP 9.1, 3.1.2): who,
 * when, from where, with which tool. A URL capture is a row from the request on, `pending` until
 * its job stores the bytes or says why it could not.
 */
export const captures = pgTable(
  'captures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    status: text('status').$type<CaptureStatus>().notNull(),
    error: text('error'),
    sha256: text('sha256').references(() => evidenceObjects.sha256),
    /** The uploaded file's name, control characters escaped; metadata only, never a path. */
    originalName: text('original_name'),
    sourceKind: text('source_kind').$type<CaptureSource>().notNull(),
    sourceUrl: text('source_url'),
    tool: text('tool'),
    toolVersion: text('tool_version'),
    /** The capturing tool's own description of what it fetched (title, uploader, extractor, …). */
    toolMetadata: jsonb('tool_metadata').$type<Record<string, unknown>>(),
    /** A URL capture's progress while pending: bytes fetched, and the total when the server said. */
    progressBytes: bigint('progress_bytes', { mode: 'number' }),
    expectedBytes: bigint('expected_bytes', { mode: 'number' }),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    /** When the bytes were stored. */
    capturedAt: timestamp('captured_at', { withTimezone: true }),
    capturedBy: uuid('captured_by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [index('captures_referral_idx').on(t.referralId, t.requestedAt), index('captures_sha256_idx').on(t.sha256)],
);

/** SOP 3.1.2, 6.3: a zip of chosen captures with its manifest, disclosed to a named recipient. */
export const evidencePackages = pgTable(
  'evidence_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    sha256: text('sha256')
      .notNull()
      .references(() => evidenceObjects.sha256),
    size: bigint('size', { mode: 'number' }).notNull(),
    recipient: text('recipient').notNull(),
    purpose: text('purpose').notNull(),
    captureIds: uuid('capture_ids').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [index('evidence_packages_referral_idx').on(t.referralId, t.createdAt)],
);
