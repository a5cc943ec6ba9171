import { bigserial, boolean, date, index, integer, pgTable, pgView, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { referrals } from './referrals.js';
import { users } from './users.js';

/** DPA 2018 s.47: each restriction of a referral and its release, with the auditor's reasons. */
export const referralRestrictions = pgTable(
  'referral_restrictions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    restrictedAt: timestamp('restricted_at', { withTimezone: true }).notNull(),
    restrictedBy: uuid('restricted_by')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    releasedBy: uuid('released_by').references(() => users.id),
    releaseReason: text('release_reason'),
  },
  (t) => [index('referral_restrictions_referral_idx').on(t.referralId, t.restrictedAt)],
);

/**
 * A subject access request (DPA 2018 s.45): received, due one month later (s.54), extended by up to two
 * months with reasons, and any restriction of the right with its reason (s.45(4)).
 */
export const subjectAccessRequests = pgTable(
  'subject_access_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectName: text('subject_name').notNull(),
    receivedOn: date('received_on').notNull(),
    dueOn: date('due_on').notNull(),
    extendedTo: date('extended_to'),
    extensionReason: text('extension_reason'),
    restrictionReason: text('restriction_reason'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('subject_access_requests_due_idx').on(t.completedAt, t.dueOn)],
);

/** What the auditor picked as relating to the person: a record by its kind and id. */
export const subjectAccessItems = pgTable(
  'subject_access_items',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => subjectAccessRequests.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    itemId: text('item_id').notNull(),
    referralId: uuid('referral_id').references(() => referrals.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.kind, t.itemId] })],
);

/**
 * The figures of a deleted referral, without personal data (issue 15 point 1): what the reports count,
 * by quarter, so that the retention sweep never changes a published quarter. One row per subject, copied
 * from the `live_subject_facts` view in the sweep's transaction; reports read the view and this table
 * together (migration 0011).
 */
export const retainedSubjectFacts = pgTable(
  'retained_subject_facts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    quarter: date('quarter').notNull(),
    category: text('category').notNull(),
    ageBand: text('age_band').notNull(),
    ethnicity: text('ethnicity'),
    ethnicityRecordedAs: text('ethnicity_recorded_as'),
    sex: text('sex'),
    status: text('status').notNull(),
    outcome: text('outcome'),
    referred: boolean('referred').notNull(),
  },
  (t) => [index('retained_subject_facts_quarter_idx').on(t.quarter)],
);

/** As `retainedSubjectFacts`, one row per notice sent to a platform (the `live_notice_facts` view). */
export const retainedNoticeFacts = pgTable(
  'retained_notice_facts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    quarter: date('quarter').notNull(),
    platform: text('platform').notNull(),
    channel: text('channel'),
    factors: text('factors').array().notNull(),
    decision: text('decision'),
    finalDecision: text('final_decision'),
    daysToDecision: integer('days_to_decision'),
    appealed: boolean('appealed').notNull(),
    involvesChild: boolean('involves_child').notNull(),
  },
  (t) => [index('retained_notice_facts_quarter_idx').on(t.quarter)],
);

/** The live side of `retainedSubjectFacts` (a view made by migration 0011), with the referral it comes from. */
export const liveSubjectFacts = pgView('live_subject_facts', {
  referralId: uuid('referral_id').notNull(),
  quarter: date('quarter').notNull(),
  category: text('category').notNull(),
  ageBand: text('age_band').notNull(),
  ethnicity: text('ethnicity'),
  ethnicityRecordedAs: text('ethnicity_recorded_as'),
  sex: text('sex'),
  status: text('status').notNull(),
  outcome: text('outcome'),
  referred: boolean('referred').notNull(),
}).existing();

/** The live side of `retainedNoticeFacts` (a view made by migration 0011). */
export const liveNoticeFacts = pgView('live_notice_facts', {
  referralId: uuid('referral_id').notNull(),
  quarter: date('quarter').notNull(),
  platform: text('platform').notNull(),
  channel: text('channel'),
  factors: text('factors').array().notNull(),
  decision: text('decision'),
  finalDecision: text('final_decision'),
  daysToDecision: integer('days_to_decision'),
  appealed: boolean('appealed').notNull(),
  involvesChild: boolean('involves_child').notNull(),
}).existing();
