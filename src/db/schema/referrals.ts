import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type {
  AgeBand,
  Ethnicity,
  EthnicityRecordedAs,
  IncidentSystem,
  ReferralOutcome,
  ReferralStatus,
  Sex,
  SubjectCategory,
} from '../../domain/vocabulary.js';
import { platforms } from './platforms.js';
import { users } from './users.js';

export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull().unique(),
    status: text('status').$type<ReferralStatus>().notNull(),
    outcome: text('outcome').$type<ReferralOutcome>(),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id),
    // SOP 8.3.1: applicant details as they were when the referral was made.
    applicantName: text('applicant_name').notNull(),
    applicantOcu: text('applicant_ocu'),
    applicantUnit: text('applicant_unit'),
    contentTitle: text('content_title').notNull(),
    contentUrl: text('content_url').notNull(),
    /** The URL reduced to what identifies the content, for deconfliction. */
    contentKey: text('content_key').notNull(),
    contentUploadedOn: date('content_uploaded_on').notNull(),
    rationale: text('rationale').notNull(),
    assigneeId: uuid('assignee_id').references(() => users.id),
    /** SOP 10.2: who wrote the drafts last sent to QA; they may never approve them. */
    draftAuthorId: uuid('draft_author_id').references(() => users.id),
    /** SOP 8.5: an operative's own deployment, opened with this reason instead of a request. */
    selfTaskedReason: text('self_tasked_reason'),
    /**
     * The platforms named at intake, sorted: a copy of `referral_platforms` (which keeps the
     * foreign keys and the per-platform counts), so that the work queue lists them and filters on
     * them without a join (issue 4; docs/performance.md). Written with them, at intake, and never
     * changed after.
     */
    platforms: text('platforms')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    // SOP 2.2, DPA 2018 s.39: a closed referral goes 12 months after closure unless held, with its
    // investigation, reason, who placed it and the date to review it (as a library entry's hold).
    holdInvestigationReference: text('hold_investigation_reference'),
    holdReason: text('hold_reason'),
    holdPlacedBy: uuid('hold_placed_by').references(() => users.id),
    holdPlacedAt: timestamp('hold_placed_at', { withTimezone: true }),
    holdReviewOn: date('hold_review_on'),
    /** DPA 2018 s.47: restricted by an auditor (the reasons are in `referral_restrictions`); null when not. */
    restrictedAt: timestamp('restricted_at', { withTimezone: true }),
  },
  (t) => [
    index('referrals_requester_idx').on(t.requesterId, t.submittedAt),
    index('referrals_status_idx').on(t.status, t.submittedAt),
    // Work queue (issue 3): "mine" / a named operative, by status, newest or oldest first.
    index('referrals_assignee_idx').on(t.assigneeId, t.status, t.submittedAt),
    // Work queue: the unfiltered list newest/oldest first (its whole ORDER BY, and the id, so a
    // page's ids, however deep, are read from the index alone), and the age filters.
    index('referrals_submitted_idx').on(t.submittedAt, t.reference, t.id),
    index('referrals_open_content_idx')
      .on(t.contentKey)
      .where(sql`status <> 'closed'`),
    // The retention sweep and its "upcoming" list: closed referrals by closure.
    index('referrals_closed_idx')
      .on(t.closedAt)
      .where(sql`status = 'closed'`),
  ],
);

export const referralPlatforms = pgTable(
  'referral_platforms',
  {
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    platform: text('platform')
      .notNull()
      .references(() => platforms.key),
  },
  (t) => [primaryKey({ columns: [t.referralId, t.platform] })],
);

export const incidentReferences = pgTable(
  'incident_references',
  {
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    system: text('system').$type<IncidentSystem>().notNull(),
    reference: text('reference').notNull(),
  },
  (t) => [primaryKey({ columns: [t.referralId, t.position] })],
);

/** SOP 8.4.1: optional, only where known. */
export const subjects = pgTable(
  'subjects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    category: text('category').$type<SubjectCategory>().notNull(),
    ageBand: text('age_band').$type<AgeBand>().notNull(),
    dateOfBirth: date('date_of_birth'),
    // Equality monitoring (Equality Act 2010 s.149; DESIGN.md "Data protection and fairness"): optional,
    // never shown in lists, searches or exports other than the aggregates.
    ethnicity: text('ethnicity').$type<Ethnicity>(),
    ethnicityRecordedAs: text('ethnicity_recorded_as').$type<EthnicityRecordedAs>(),
    sex: text('sex').$type<Sex>(),
  },
  (t) => [index('subjects_referral_idx').on(t.referralId)],
);

/** Deconfliction: a second requester's rationale added to an open referral instead of a duplicate. */
export const additionalRationales = pgTable(
  'additional_rationales',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id),
    applicantName: text('applicant_name').notNull(),
    rationale: text('rationale').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('additional_rationales_referral_idx').on(t.referralId)],
);

/** Append-only life-cycle events: the timeline, and the stamps KPIs are computed from. */
export const referralEvents = pgTable(
  'referral_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    /** For a step of one platform referral (SOP 10.5-10.7): which platform. */
    platform: text('platform'),
    comment: text('comment'),
  },
  (t) => [
    index('referral_events_referral_idx').on(t.referralId, t.at),
    // KPIs (SOP 6.5, 7.2): the stamps of one kind of step since a date, without reading the rest.
    index('referral_events_action_idx').on(t.action, t.at, t.referralId),
  ],
);

/**
 * Referrals per status, kept by triggers on `referrals` deferred to commit (migrations 0004, 0005), so that
 * the work queue's counts and totals over the whole unit are one small read, not a scan of every
 * referral ever made (issue 4).
 */
export const referralStatusCounts = pgTable('referral_status_counts', {
  status: text('status').primaryKey(),
  n: bigint('n', { mode: 'number' }).notNull(),
});

/**
 * Referrals per platform and status, kept by the same trigger as `referralStatusCounts` from each
 * referral's own copy of its platforms (migration 0005), so that the work queue's counts and totals
 * under a platform filter are one small read too.
 */
export const referralPlatformStatusCounts = pgTable(
  'referral_platform_status_counts',
  {
    platform: text('platform').notNull(),
    status: text('status').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.status] })],
);

/** Human references like OHRT-2026-000123, counted per year. */
export const referenceCounters = pgTable('reference_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});
