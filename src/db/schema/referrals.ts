import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { platforms } from './platforms.js';
import { users } from './users.js';

export const REFERRAL_STATUSES = ['submitted', 'in_review', 'awaiting_qa', 'referred', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export const REFERRAL_OUTCOMES = ['no_further_action', 'withdrawn', 'removed', 'not_removed', 'partially_removed'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

/** SOP 8.3.3 */
export const INCIDENT_SYSTEMS = ['CONNECT', 'CAD', 'CRIS', 'CRIMINT', 'MERLIN', 'APMIS'] as const;
/** DPA 2018 s.38(3) */
export const SUBJECT_CATEGORIES = ['suspect', 'victim', 'witness', 'other'] as const;
/** Always recorded, never blank, so that children are never included silently (DESIGN.md "Subject"). */
export const AGE_BANDS = ['under_13', '13_15', '16_17', '18_24', '25_plus', 'unknown'] as const;

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
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
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
  // Work queue platform filter: a semi-join answered from (platform, referral_id) alone.
  (t) => [primaryKey({ columns: [t.referralId, t.platform] }), index('referral_platforms_platform_idx').on(t.platform, t.referralId)],
);

export const incidentReferences = pgTable(
  'incident_references',
  {
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    system: text('system').notNull(),
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
    category: text('category').notNull(),
    ageBand: text('age_band').notNull(),
    dateOfBirth: date('date_of_birth'),
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
 * Referrals per status, kept by triggers on `referrals` deferred to commit (migration 0004), so that
 * the work queue's counts and totals over the whole unit are one small read, not a scan of every
 * referral ever made (issue 4).
 */
export const referralStatusCounts = pgTable('referral_status_counts', {
  status: text('status').primaryKey(),
  n: bigint('n', { mode: 'number' }).notNull(),
});

/**
 * Referrals per platform (every status), kept like `referralStatusCounts` by triggers on
 * `referral_platforms` deferred to commit (migration 0004): with the few open referrals counted
 * directly, the work queue's counts under a platform filter need no scan of closed ones.
 */
export const referralPlatformCounts = pgTable('referral_platform_counts', {
  platform: text('platform').primaryKey(),
  n: bigint('n', { mode: 'number' }).notNull(),
});

/** Human references like OHRT-2026-000123, counted per year. */
export const referenceCounters = pgTable('reference_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});
